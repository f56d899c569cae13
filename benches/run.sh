#!/usr/bin/env bash
# circlescan benchmark: I/O floor (cat), matching ceiling (benches/ceiling)
# and the full `circlescan scan` pipeline on the synthetic corpora.
# See benches/README.md. Run from anywhere: benches/run.sh
#
# Environment (all optional):
#   BENCH_DIR   where the corpora live / are generated   (/tmp/circlescan-bench)
#   SIZES       corpus sizes: 100m, 1g                    ("100m 1g")
#   FORMATS     corpus formats: dir, csv, jsonl           ("dir csv jsonl")
#   THREADS     thread counts for ceiling and circlescan  ("1 2")
#   REPS        timed repetitions per command (>= 1)      (3)
#   TOOLS       which rows to time: cat ceiling circlescan ("cat ceiling circlescan")
#   SCAN_SIZES  the sizes at which circlescan is timed      ($SIZES)
#   PHRASES     phrases file for the ceiling              (../shared/bench/phrases.txt)
#   GEN         corpus generator                          (../shared/bench/gen_corpus.py)
#   TIMEOUT     seconds before one timed command is killed (900)
#   IDLE_WAIT   before each timed command, wait up to this many seconds for
#               the machine to go idle (other processes < IDLE_MAX % of all
#               CPUs over 0.5 s); 0 turns it off              (60)
#   IDLE_MAX    see IDLE_WAIT                              (10)
#   NO_BUILD=1  skip the two cargo builds
#   CIRCLESCAN  binary to time                            (target/release/circlescan)
#   REVIEW_REPS timed runs of `circlescan review FILE`     (10)
#   RESULTS     Markdown output                            (benches/results.md)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

BENCH_DIR=${BENCH_DIR:-/tmp/circlescan-bench}
SIZES=${SIZES:-100m 1g}
FORMATS=${FORMATS:-dir csv jsonl}
THREADS=${THREADS:-1 2}
REPS=${REPS:-3}
TOOLS=${TOOLS:-cat ceiling circlescan}
SCAN_SIZES=${SCAN_SIZES:-$SIZES}
PHRASES=${PHRASES:-$ROOT/../shared/bench/phrases.txt}
GEN=${GEN:-$ROOT/../shared/bench/gen_corpus.py}
TIMEOUT=${TIMEOUT:-900}
IDLE_WAIT=${IDLE_WAIT:-60}
IDLE_MAX=${IDLE_MAX:-10}
REVIEW_REPS=${REVIEW_REPS:-10}
RESULTS=${RESULTS:-$ROOT/benches/results.md}
CEILING=$ROOT/benches/ceiling/target/release/ceiling
CIRCLESCAN=${CIRCLESCAN:-$ROOT/target/release/circlescan}

log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[[ $REPS =~ ^[1-9][0-9]*$ ]] || die "REPS must be a positive integer (got '$REPS')"
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing: apt-get install -y time"
command -v python3 >/dev/null || die "python3 is needed (corpus generator, csv row count, report)"
[[ -f $PHRASES ]] || die "phrases file not found: $PHRASES"
has_tool() { [[ " $TOOLS " == *" $1 "* ]]; }

mkdir -p "$BENCH_DIR"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/circlescan-bench-run.XXXXXX")
cleanup() {
    rm -rf "$WORK"
    rm -rf "$BENCH_DIR"/*.partial.$$ 2>/dev/null || true
}
trap cleanup EXIT
trap 'log "failed at line $LINENO: $BASH_COMMAND"' ERR

# ---------------------------------------------------------------- build ----
CIRCLESCAN_OK=0
if [[ ${NO_BUILD:-0} != 1 ]]; then
    log "building ceiling"
    cargo build --release --manifest-path benches/ceiling/Cargo.toml >"$WORK/build-ceiling.log" 2>&1 \
        || { tail -n 30 "$WORK/build-ceiling.log" >&2; die "ceiling build failed"; }
    if has_tool circlescan; then
        if [[ -f Cargo.toml ]]; then
            log "building circlescan (cargo build --release)"
            if cargo build --release >"$WORK/build-circlescan.log" 2>&1; then
                CIRCLESCAN_OK=1
            else
                log "circlescan build FAILED; its rows are skipped. Last lines:"
                tail -n 25 "$WORK/build-circlescan.log" | sed 's/^/    /' >&2
            fi
        else
            log "no Cargo.toml at the repo root: circlescan rows are skipped"
        fi
    fi
else
    [[ -x $CIRCLESCAN ]] && CIRCLESCAN_OK=1
fi
if has_tool circlescan && [[ $CIRCLESCAN_OK == 1 && ! -x $CIRCLESCAN ]]; then
    log "built, but $CIRCLESCAN is missing: circlescan rows are skipped"
    CIRCLESCAN_OK=0
fi
if has_tool ceiling && [[ ! -x $CEILING ]]; then
    die "$CEILING is missing (build it or unset NO_BUILD)"
fi

# -------------------------------------------------------------- corpora ----
size_mb() {
    case $1 in
        100m) echo 100 ;;
        1g) echo 1000 ;;
        *) die "unknown size '$1' (use 100m or 1g)" ;;
    esac
}
corpus_path() { # SIZE FORMAT
    case $2 in
        dir) echo "$BENCH_DIR/corpus-$1-dir" ;;
        csv) echo "$BENCH_DIR/corpus-$1.csv" ;;
        jsonl) echo "$BENCH_DIR/corpus-$1.jsonl" ;;
        *) die "unknown format '$2' (use dir, csv or jsonl)" ;;
    esac
}

# The README's commands, writing to OUT.partial.PID and renaming when done, so
# an interrupted run never leaves a truncated corpus that looks finished.
gen_corpus() { # SIZE FORMAT OUT
    local tmp="$3.partial.$$"
    rm -rf "$tmp"
    python3 "$GEN" --size-mb "$(size_mb "$1")" --seed 1 --format "$2" --out "$tmp" 2>"$3.genlog"
    mv "$tmp" "$3"
    log "generated $3 ($(cat "$3.genlog"))"
}

missing=()
for s in $SIZES; do
    size_mb "$s" >/dev/null
    for f in $FORMATS; do
        p=$(corpus_path "$s" "$f")
        [[ -e $p ]] || missing+=("$s $f $p")
    done
done
if ((${#missing[@]})); then
    log "generating ${#missing[@]} missing corpus/corpora (2 at a time; ~40 s per 100 MB each)"
    running=0
    failed=0
    for m in "${missing[@]}"; do
        read -r s f p <<<"$m"
        log "  start: $p"
        gen_corpus "$s" "$f" "$p" &
        running=$((running + 1))
        if ((running >= 2)); then
            wait -n || failed=1
            running=$((running - 1))
        fi
    done
    while ((running > 0)); do
        wait -n || failed=1
        running=$((running - 1))
    done
    ((failed == 0)) || die "corpus generation failed"
fi

# Input bytes and note counts, cached beside the corpus (never inside a dir
# corpus, which would then be scanned).
corpus_bytes() { # PATH
    local cache="$1.bytes"
    if [[ ! -s $cache || $cache -ot $1 ]]; then
        if [[ -d $1 ]]; then
            find "$1" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}' >"$cache"
        else
            stat -c %s "$1" >"$cache"
        fi
    fi
    cat "$cache"
}
corpus_notes() { # PATH FORMAT
    local cache="$1.notes"
    if [[ ! -s $cache || $cache -ot $1 ]]; then
        case $2 in
            dir)
                find "$1" -type f -print0 | sort -z | xargs -0 cat \
                    | { grep -cE '^## [0-9]{4}-[0-9]{2}-[0-9]{2}' || true; } >"$cache.tmp" ;;
            csv)
                python3 -c 'import csv,sys
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    print(sum(1 for _ in csv.reader(f)) - 1)' "$1" >"$cache.tmp" ;;
            jsonl)
                wc -l <"$1" | tr -d ' ' >"$cache.tmp" ;;
        esac
        mv "$cache.tmp" "$cache"
    fi
    cat "$cache"
}

# --------------------------------------------------------------- timing ----
TSV=$WORK/runs.tsv
LOAD_START=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$LOAD_START" 'BEGIN {exit !(l > 0.5)}'; then
    log "WARNING: load average is $LOAD_START: other processes share the CPUs, numbers may be noisy" \
        "(IDLE_WAIT=$IDLE_WAIT s before each run; watch the CPU % column)"
fi
printf 'corpus\tsize\tformat\tbytes\tnotes\ttool\tthreads\trep\twall_s\trss_kib\tcpu_pct\tstatus\n' >"$TSV"

# Busy share (percent of all CPUs) over 0.5 s, from /proc/stat.
cpu_busy_pct() {
    local _c u1 n1 s1 i1 w1 q1 sq1 st1 u2 n2 s2 i2 w2 q2 sq2 st2 b t
    read -r _c u1 n1 s1 i1 w1 q1 sq1 st1 _ </proc/stat
    sleep 0.5
    read -r _c u2 n2 s2 i2 w2 q2 sq2 st2 _ </proc/stat
    b=$(((u2 + n2 + s2 + q2 + sq2 + st2) - (u1 + n1 + s1 + q1 + sq1 + st1)))
    t=$((b + (i2 + w2) - (i1 + w1)))
    echo $((t > 0 ? 100 * b / t : 0))
}
# Wait (at most IDLE_WAIT s) until other work on this 2-core machine stops.
wait_idle() {
    ((IDLE_WAIT > 0)) || return 0
    local deadline=$((SECONDS + IDLE_WAIT)) busy waited=0
    while :; do
        busy=$(cpu_busy_pct)
        ((busy < IDLE_MAX)) && break
        if ((SECONDS >= deadline)); then
            log "  machine still busy (${busy}% of all CPUs) after ${IDLE_WAIT}s: timing anyway"
            return 0
        fi
        ((waited)) || log "  machine busy (${busy}% of all CPUs): waiting up to ${IDLE_WAIT}s"
        waited=1
    done
    if ((waited)); then log "  machine idle again"; fi
    return 0
}

# timed CORPUS SIZE FORMAT BYTES NOTES TOOL THREADS REP -- CMD...
# Wall time from bash's clock around /usr/bin/time (finer than its 10 ms);
# peak RSS (max over the command's process tree) from /usr/bin/time -v.
timed() {
    local corpus=$1 size=$2 format=$3 bytes=$4 notes=$5 tool=$6 threads=$7 rep=$8
    shift 9
    local tf=$WORK/time.txt out=$WORK/out.txt t0 t1 rc=0 rss cpu status=ok
    wait_idle
    t0=$EPOCHREALTIME
    /usr/bin/time -v -o "$tf" timeout "$TIMEOUT" "$@" </dev/null >"$out" 2>&1 || rc=$?
    t1=$EPOCHREALTIME
    rss=$(awk -F': *' '/Maximum resident set size/ {print $2}' "$tf")
    cpu=$(awk -F': *' '/Percent of CPU this job got/ {sub(/%/, "", $2); print $2}' "$tf")
    if ((rc != 0)); then
        status="failed(rc=$rc)"
        ((rc == 124)) && status="timeout(${TIMEOUT}s)"
        log "  $tool threads=$threads rep=$rep on $corpus: $status. Output:"
        tail -n 15 "$out" | sed 's/^/    /' >&2
    fi
    local wall
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f", b - a}')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$corpus" "$size" "$format" "$bytes" "$notes" \
        "$tool" "$threads" "$rep" "$wall" "${rss:-0}" "${cpu:-0}" "$status" >>"$TSV"
    LAST_RC=$rc
    LAST_OUT=$out
    log "  $(printf '%-10s t=%s rep %s: %8.3f s  %7.1f MiB  %4s%% CPU  %s' "$tool" "$threads" "$rep" "$wall" \
        "$(awk -v k="${rss:-0}" 'BEGIN {print k/1024}')" "${cpu:-?}" "$status")"
}

CAT_DIR='find "$1" -type f -print0 | sort -z | xargs -0 cat > /dev/null'
CAT_FILE='cat "$1" > /dev/null'

for s in $SIZES; do
    for f in $FORMATS; do
        p=$(corpus_path "$s" "$f")
        name=$(basename "$p")
        bytes=$(corpus_bytes "$p")
        notes=$(corpus_notes "$p" "$f")
        log "$name: $bytes bytes, $notes notes"
        catcmd=$CAT_FILE
        [[ $f == dir ]] && catcmd=$CAT_DIR
        # warm the page cache: every timed run reads from memory
        bash -c "$catcmd" _ "$p"
        cs_failed=0
        for ((rep = 1; rep <= REPS; rep++)); do
            if has_tool cat; then
                timed "$name" "$s" "$f" "$bytes" "$notes" cat - "$rep" -- bash -c "$catcmd" _ "$p"
            fi
            if has_tool ceiling; then
                for t in $THREADS; do
                    timed "$name" "$s" "$f" "$bytes" "$notes" ceiling "$t" "$rep" -- \
                        "$CEILING" --threads "$t" "$PHRASES" "$p"
                    if ((LAST_RC == 0)); then
                        awk '/^matches / {m=$2} END {if (m != "") print m}' "$LAST_OUT" >"$WORK/matches-$name"
                    fi
                done
            fi
            if has_tool circlescan && [[ " $SCAN_SIZES " == *" $s "* ]] && ((CIRCLESCAN_OK && !cs_failed)); then
                for t in $THREADS; do
                    o=$(mktemp -d "$WORK/scan.XXXXXX")
                    timed "$name" "$s" "$f" "$bytes" "$notes" circlescan "$t" "$rep" -- \
                        "$CIRCLESCAN" scan "$p" --out "$o" --format csv --threads "$t"
                    if ((LAST_RC != 0)); then
                        # one failure per corpus is enough: skip its other runs
                        cs_failed=1
                        rm -rf "$o"
                        break
                    fi
                    if ((rep == 1)); then
                        for out in candidates.csv flags.csv; do
                            if [[ -f $o/$out ]]; then
                                log "    $out: $(wc -l <"$o/$out") lines"
                            else
                                log "    $out: MISSING from --out"
                            fi
                        done
                    fi
                    rm -rf "$o"
                done
            fi
        done
        if [[ -s $WORK/matches-$name ]]; then
            log "  ceiling matches: $(cat "$WORK/matches-$name")"
        fi
    done
done
# One-client review latency: `circlescan review FILE` on the first client file
# (sorted) of the first dir corpus.
if has_tool circlescan && ((CIRCLESCAN_OK)) && [[ " $FORMATS " == *" dir "* ]]; then
    s=${SIZES%% *}
    p=$(corpus_path "$s" dir)
    file=$(find "$p" -type f | sort | awk 'NR == 1')
    name="$(basename "$p")/${file#"$p"/}"
    fbytes=$(stat -c %s "$file")
    fnotes=$({ grep -cE '^## [0-9]{4}-[0-9]{2}-[0-9]{2}' "$file" || true; })
    log "review: $name ($fbytes bytes, $fnotes notes)"
    for ((rep = 1; rep <= REVIEW_REPS; rep++)); do
        timed "$name" - review "$fbytes" "$fnotes" "circlescan review" - "$rep" -- \
            "$CIRCLESCAN" review "$file"
        ((LAST_RC == 0)) || break
    done
fi
if has_tool circlescan && ((!CIRCLESCAN_OK)); then
    log "circlescan was not run (not built): the table has no circlescan rows"
fi

cp "$TSV" "$BENCH_DIR/last-run.tsv"

# --------------------------------------------------------------- report ----
python3 - "$TSV" "$RESULTS" "$REPS" "$(nproc)" \
    "$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo)" \
    "$LOAD_START" "$(cut -d' ' -f1 /proc/loadavg)" <<'PY'
import csv, statistics, sys, datetime
tsv, out_path, reps, ncpu, cpu, load0, load1 = sys.argv[1:8]
rows = list(csv.DictReader(open(tsv), delimiter="\t"))

groups = {}   # (corpus, tool, threads) -> info
order = []
for r in rows:
    k = (r["corpus"], r["tool"], r["threads"])
    if k not in groups:
        groups[k] = dict(size=r["size"], format=r["format"], bytes=int(r["bytes"]),
                         notes=int(r["notes"]), walls=[], rss=[], cpu=[], bad=[])
        order.append(k)
    g = groups[k]
    if r["status"] == "ok":
        g["walls"].append(float(r["wall_s"]))
        g["rss"].append(int(r["rss_kib"]))
        g["cpu"].append(float(r["cpu_pct"] or 0))
    else:
        g["bad"].append(r["status"])

def med(g):
    return statistics.median(g["walls"]) if g["walls"] else None
def mbps(g):
    m = med(g)
    return g["bytes"] / 1e6 / m if m else None
def f(x, nd=2, suffix=""):
    return "—" if x is None else f"{x:,.{nd}f}{suffix}"

L = []
L.append(f"Measured {datetime.date.today().isoformat()} on {ncpu} cores ({cpu}), "
         f"median of {reps} run(s), warm page cache, load average {load0} before "
         f"and {load1} after. MB = 10^6 bytes; peak RSS is the largest of the runs; "
         "CPU % is the median of user+sys over wall (200% = both cores busy).")
L.append("")
L.append("| corpus | tool | threads | median wall s | MB/s | notes/s | peak RSS MiB | CPU % | MB/s vs ceiling |")
L.append("|---|---|---:|---:|---:|---:|---:|---:|---:|")
for k in order:
    corpus, tool, threads = k
    g = groups[k]
    m = med(g)
    if tool == "circlescan review":
        continue
    if m is None:
        L.append(f"| {corpus} | {tool} | {threads} | {g['bad'][0]} | — | — | — | — | — |")
        continue
    ratio = ""
    if tool == "circlescan":
        c = groups.get((corpus, "ceiling", threads))
        cm = mbps(c) if c else None
        ratio = f"{mbps(g) / cm:.0%}" if cm else "—"
    L.append(f"| {corpus} | {tool} | {threads} | {m:.3f} | {mbps(g):,.1f} | "
             f"{g['notes'] / m:,.0f} | {max(g['rss']) / 1024:,.1f} | "
             f"{statistics.median(g['cpu']):.0f} | {ratio} |")

# 2 threads vs 1 thread
sp = []
for k in order:
    corpus, tool, threads = k
    if tool in ("ceiling", "circlescan") and threads == "2":
        one, two = groups.get((corpus, tool, "1")), groups[k]
        if one and med(one) and med(two):
            sp.append(f"| {corpus} | {tool} | {med(one) / med(two):.2f}x |")
if sp:
    L += ["", "2 threads vs 1 thread (1-thread median wall / 2-thread median wall):", "",
          "| corpus | tool | speedup |", "|---|---|---:|"] + sp

# 1 GB vs 100 MB, per format
sc = []
for k in order:
    corpus, tool, threads = k
    g = groups[k]
    if g["size"] != "1g" or not med(g):
        continue
    small = [v for kk, v in groups.items()
             if v["size"] == "100m" and v["format"] == g["format"] and kk[1:] == (tool, threads)]
    if small and med(small[0]):
        s = small[0]
        rss = (f"{max(g['rss']) / max(s['rss']):.2f}x"
               if tool == "circlescan" and max(s["rss"]) else "")
        sc.append(f"| {g['format']} | {tool} | {threads} | {med(g) / med(s):.2f}x | "
                  f"{g['bytes'] / s['bytes']:.2f}x | {rss} |")
if sc:
    L += ["", "1 GB vs 100 MB, per format:", "",
          "| format | tool | threads | time 1 GB / 100 MB | bytes 1 GB / 100 MB | peak RSS 1 GB / 100 MB |",
          "|---|---|---:|---:|---:|---:|"] + sc

# one-client review latency
rv = []
for k in order:
    corpus, tool, threads = k
    g = groups[k]
    if tool != "circlescan review":
        continue
    m = med(g)
    if m is None:
        rv.append(f"| {corpus} | {g['bad'][0]} | — | — |")
    else:
        rv.append(f"| {corpus} | {m * 1e3:.1f} | {len(g['walls'])} | {max(g['rss']) / 1024:,.1f} |")
if rv:
    L += ["", "`circlescan review FILE` (one client, whole process):", "",
          "| file | median wall ms | runs | peak RSS MiB |", "|---|---:|---:|---:|"] + rv

text = "\n".join(L) + "\n"
sys.stdout.write("\n" + text)
with open(out_path, "w") as fh:
    fh.write("<!-- written by benches/run.sh; paste into benches/README.md -->\n\n" + text)
PY
log "table written to $RESULTS; raw runs in $BENCH_DIR/last-run.tsv"
