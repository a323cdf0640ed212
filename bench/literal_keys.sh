#!/usr/bin/env bash
# Literal-key benchmark: credls against grep, the Python `re` baseline, git-secrets and
# detect-secrets on the shared generated corpus (seed 2, 20,000 files, ~72 MB).
#
# The headline is the real CLI exactly as ../shared/bench/run_peers.sh calls it
# (`credls check . --no-user-stores --format json --fail-on hint`) with the literal-key
# rules selected: CREDLS is a wrapper that appends `--select CRED3`. That is the job the
# peers do (find literal keys), and what a pre-commit hook for secrets runs. `credls check`
# with every rule also analyses every PowerShell script (profiles, stores, cmdlet calls),
# a different and slower job measured by the PowerShell benchmark (bench/ps_check.py); it
# is printed as a second, informational row.
#
# Prints, per credls mode, the scored table of run_peers.sh (recall and precision per key
# kind, wall/CPU time, memory; peers included), the same credls row counting only findings
# at warning or above (placeholders are reported at information severity by design, and
# the corpus labels them decoys), the false positives grouped by (truth category, file
# extension, severity), and a secrecy check of credls' whole output; then the per-form
# breakdown of ../shared/bench/report.py for the first mode.
#
# usage: bench/literal_keys.sh            (from anywhere; paths are relative to the repo)
# env:
#   BENCH_DIR       scratch directory (default /tmp/credls-bench); the corpus is built
#                   once and reused
#   SEED, FILES     corpus parameters (default 2 and 20000)
#   REPEAT          timed runs per tool, median reported (default 5)
#   REPEAT_ALL      timed runs of the informational `cli` mode (default 1: about a minute each)
#   PEERS           default "grep pyre gitsecrets detectsecrets"
#   SKIP_DETECT_SECRETS=1   leave detect-secrets out (it takes 6 to 15 minutes)
#   DETECT_SECRETS  detect-secrets executable (default /work/bench-venv/bin/detect-secrets,
#                   else on PATH); it runs once whatever REPEAT says
#   DETECT_SECRETS_REUSE=1  keep an earlier detect-secrets run of the same corpus
#   CREDLS_MODES    any of (default "cli-cred3 cli", in this order; the breakdown is of the
#                   first):
#                     cli-cred3    `credls check … --select CRED3` (the headline)
#                     cli          `credls check …` with every rule (informational)
#                     scan-only    bench/scan_only.py: the literal-key fast path alone
#                                  (os.scandir walk, no .gitignore, 2 processes)
#   CREDLS          credls executable for the cli modes (default: the repo venv's `credls`)
# Peers: apt-get install -y git-secrets time; python3 -m venv /work/bench-venv &&
#        /work/bench-venv/bin/pip install detect-secrets==1.5.0
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
SHARED_BENCH=../shared/bench
B=${BENCH_DIR:-/tmp/credls-bench}
SEED=${SEED:-2}
FILES=${FILES:-20000}
REPEAT=${REPEAT:-5}
REPEAT_ALL=${REPEAT_ALL:-1}
PEERS=${PEERS:-"grep pyre gitsecrets detectsecrets"}
CREDLS_MODES=${CREDLS_MODES:-"cli-cred3 cli"}
CREDLS_BIN=${CREDLS:-"$REPO/.venv/bin/credls"}
VENV_PY="$REPO/.venv/bin/python"
mkdir -p "$B"
B=$(cd "$B" && pwd)
CORPUS="$B/corpus-s$SEED-n$FILES"
TRUTH="$CORPUS.truth.json"
RES="$B/results-s$SEED-n$FILES"
[ -x /usr/bin/time ] || { echo "GNU time is required: apt-get install -y time" >&2; exit 2; }

# --- corpus (deterministic: same arguments, same bytes) -------------------------------
if [ ! -f "$TRUTH" ] || [ ! -d "$CORPUS" ]; then
  python3 "$SHARED_BENCH/make_corpus.py" --out "$CORPUS" --seed "$SEED" --files "$FILES" --force
fi
python3 - "$TRUTH" "$SEED" "$FILES" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
expected = {("2", "20000"): "f5787d4c3439210eea117551dc00fc866f63a736042400fabcee7c3ebb54bd14"}
want = expected.get((sys.argv[2], sys.argv[3]))
ok = want is None or t["tree_sha256"] == want
print(f"corpus: {t['files']} files, {t['bytes'] / 1e6:.1f} MB, tree_sha256 {t['tree_sha256']}"
      + ("" if ok else f" (EXPECTED {want})"))
sys.exit(0 if ok else 1)
PY

# --- peers --------------------------------------------------------------------------------
if [ "${SKIP_DETECT_SECRETS:-0}" = 1 ]; then
  PEERS=$(echo " $PEERS " | sed 's/ detectsecrets / /')
fi
if [ -z "${DETECT_SECRETS:-}" ]; then
  if [ -x /work/bench-venv/bin/detect-secrets ]; then
    DETECT_SECRETS=/work/bench-venv/bin/detect-secrets
  else
    DETECT_SECRETS=detect-secrets
  fi
fi
export DETECT_SECRETS PYTHON=python3
RUN=""
for t in $PEERS; do
  case $t in
    gitsecrets)
      command -v git-secrets > /dev/null || { echo "skip git-secrets: apt-get install -y git-secrets"; continue; } ;;
    detectsecrets)
      command -v "$DETECT_SECRETS" > /dev/null || { echo "skip detect-secrets: not installed"; continue; }
      if [ "${DETECT_SECRETS_REUSE:-0}" = 1 ] && [ -s "$RES/detectsecrets.out" ]; then
        echo "detect-secrets: reusing $RES/detectsecrets.out"
      else
        TOOLS=detectsecrets "$SHARED_BENCH/run_peers.sh" "$CORPUS" "$TRUTH" "$RES" 1 > /dev/null
      fi
      continue ;;
  esac
  RUN="$RUN $t"
done
if [ -n "${RUN// /}" ]; then
  TOOLS="$RUN" "$SHARED_BENCH/run_peers.sh" "$CORPUS" "$TRUTH" "$RES" "$REPEAT" > "$RES/peers.log"
fi
rm -f "$RES"/credls.*  # credls rows live in one directory per mode

# --- credls, one results directory per mode (peers' raw outputs linked in) -------------
for mode in $CREDLS_MODES; do
  R="$RES-$mode"
  rm -rf "$R" && mkdir -p "$R"
  find "$RES" -maxdepth 1 -type f -exec ln -f {} "$R/" \;
  W="$R/credls-wrapper"
  runs=$REPEAT
  case $mode in
    cli-cred3)
      printf '#!/bin/sh\nexec "%s" "$@" --select CRED3\n' "$CREDLS_BIN" > "$W"
      what="credls check --select CRED3 (the literal-key rules; headline)" ;;
    cli)
      printf '#!/bin/sh\nexec "%s" "$@"\n' "$CREDLS_BIN" > "$W"
      runs=$REPEAT_ALL
      what="credls check, every rule (informational: also the full script analysis)" ;;
    scan-only)
      printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$VENV_PY" "$REPO/bench/scan_only.py" > "$W"
      what="bench/scan_only.py: the literal-key fast path alone" ;;
    *) echo "unknown credls mode $mode" >&2; exit 2 ;;
  esac
  chmod +x "$W"
  echo
  echo "=== credls mode $mode: $what ==="
  echo "machine: $(nproc) CPUs, load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
  CREDLS="$W" TOOLS=credls "$SHARED_BENCH/run_peers.sh" "$CORPUS" "$TRUTH" "$R" "$runs"
  echo "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)"

  # credls at warning and above (what fails a pre-commit hook by default)
  WARN="$R/warning-only"
  mkdir -p "$WARN"
  cp "$R"/credls.time.* "$WARN/"
  python3 - "$R/credls.out" "$WARN/credls.out" <<'PY'
import json, sys
data = json.load(open(sys.argv[1], encoding="utf-8"))
data["diagnostics"] = [d for d in data["diagnostics"] if d.get("severity") in ("error", "warning")]
json.dump(data, open(sys.argv[2], "w", encoding="utf-8"))
PY
  echo "same run, CRED301-303 findings at warning or above only (placeholders are information):"
  python3 "$SHARED_BENCH/score.py" "$TRUTH" "$CORPUS" "$WARN" | tail -n 1

  # false positives by (truth category, extension, severity): what the precision misses
  python3 - "$TRUTH" "$R/credls.out" <<'PY'
import collections, json, os, sys
truth = json.load(open(sys.argv[1]))
kinds = {"CRED301": "akid", "CRED302": "secret", "CRED303": "session_token"}
items = collections.defaultdict(list)
for it in truth["items"]:
    items[(it["file"], it["line"])].append(it)
fp = collections.Counter()
for d in json.load(open(sys.argv[2], encoding="utf-8"))["diagnostics"]:
    kind = kinds.get(d["code"])
    if kind is None:
        continue
    same = [it for it in items.get((d["path"], d["range"]["start"]["line"]), [])
            if it["kind"] == kind]
    if any(it["label"] == "positive" for it in same):
        continue
    category = same[0].get("category", "aws-doc-example") if same else "unlabelled"
    base = os.path.basename(d["path"])
    fp[(category, base.rsplit(".", 1)[-1] if "." in base else base, d["severity"])] += 1
print(f"false positives: {sum(fp.values())}" + ("" if fp else " (none)"))
for (category, ext, severity), n in fp.most_common():
    print(f"  {n:6d}  {category:28s} {ext:12s} {severity}")
PY

  # secrecy: credls' whole output holds no secret, no token, no unmasked key ID
  python3 - "$TRUTH" "$R/credls.out" <<'PY'
import json, re, sys
truth = json.load(open(sys.argv[1]))
out = open(sys.argv[2], encoding="utf-8").read()
shaped = re.compile(r"[A-Za-z0-9/+=]{30,}")  # key material, not references like $env:X
secrets = {
    it["value"] for it in truth["items"]
    if it["kind"] in ("secret", "session_token") and shaped.fullmatch(it["value"])
}
key_ids = {it["value"] for it in truth["items"] if it["kind"] == "akid" and len(it["value"]) >= 20}
# A value in the output lies inside one run of its alphabet: look up every window of
# the runs' text by the values' first characters, then confirm (no values x output scan).
def leaked(values, alphabet, width):
    heads = {}
    for v in values:
        heads.setdefault(v[:width], []).append(v)
    found = set()
    for run in re.findall(alphabet + "{%d,}" % width, out):
        for i in range(len(run) - width + 1):
            for v in heads.get(run[i : i + width], ()):
                if run.startswith(v, i):
                    found.add(v)
    return found
leaks = leaked(secrets, "[A-Za-z0-9/+=]", 30) | leaked(key_ids, "[A-Za-z0-9]", 20)
n = len(json.loads(out)["diagnostics"])
if leaks:
    print(f"SECRECY FAILED: {len(leaks)} values of the truth file appear in credls' output")
    sys.exit(1)
print(f"secrecy: OK ({n} diagnostics; none of {len(secrets)} secrets/tokens or "
      f"{len(key_ids)} key IDs appears in the output)")
PY
  FIRST=${FIRST:-$R}
done

# --- per-form breakdowns (first credls mode) --------------------------------------------
if [ -n "${FIRST:-}" ]; then
  echo
  echo "=== per form and per decoy category: $(basename "$FIRST") ==="
  python3 "$SHARED_BENCH/report.py" "$FIRST/score.json"
fi
