#!/usr/bin/env bash
# Side-by-side speed of this product and the PyTorch peers (../shared/peers) on this machine, in one run.
# Interleaves ours and PyTorch's (A B A B ...) for several rounds and prints a markdown table of medians and ratios.
# A measuring stick for docs/performance.md, not part of the build or CI.
#
#   bench/compare-with-pytorch.sh [--rounds N] [--recipe] [--recipe-rounds N] [--tta]
#
# --recipe adds the default recipe (ours through the README's own command, `dotnet run --project src/Host`, and
# through the Release build) against torch_seed_recipe.py; --tta adds time to 97.2% test pair accuracy: the Fast
# profile against torch_seed_recipe.py --epochs 260 (about 4 minutes for PyTorch alone).
#
# Needs: the .NET SDK; Debian's python3-torch with libopenblas0-pthread (see ../shared/peers/README.md);
# MNIST IDX files for --recipe (MNIST_IDX, default data/mnist).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PEERS="${PEERS:-$ROOT/../shared/peers}"
PYTHON="${PYTHON:-/usr/bin/python3}"
export MNIST_IDX="${MNIST_IDX:-$ROOT/data/mnist}"
ROUNDS=3
RECIPE=0
RECIPE_ROUNDS=2
TTA=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --recipe) RECIPE=1; shift ;;
    --recipe-rounds) RECIPE_ROUNDS="$2"; shift 2 ;;
    --tta) TTA=1; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

LOG="$(mktemp -d)"
trap 'rm -rf "$LOG"' EXIT
echo "building (Release)..." >&2
dotnet build -c Release "$ROOT/bench" -v q -nologo >"$LOG/build.txt" 2>&1 || { cat "$LOG/build.txt" >&2; exit 1; }
BENCH="$ROOT/bench/bin/Release/net10.0/Siamese.Bench"
if [[ $RECIPE == 1 || $TTA == 1 ]]; then
  dotnet build -c Release "$ROOT/src/Host" -v q -nologo >"$LOG/build-host.txt" 2>&1 || { cat "$LOG/build-host.txt" >&2; exit 1; }
  dotnet build "$ROOT/src/Host" -v q -nologo >"$LOG/build-debug.txt" 2>&1 || { cat "$LOG/build-debug.txt" >&2; exit 1; }
  HOST_DLL="$ROOT/src/Host/bin/Release/net10.0/Siamese.Host.dll"
fi

# record KEY VALUE: one measurement per line in $LOG/results.
record() { echo "$1 $2" >>"$LOG/results"; echo "  $1 = $2" >&2; }
# first number before the given unit in a line of output
number_before() { grep -oE "[0-9.]+ $1" | head -1 | cut -d' ' -f1; }

for ((round = 1; round <= ROUNDS; round++)); do
  echo "round $round/$ROUNDS (load: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  for b in 20 128; do
    steps=$((b == 20 ? 3000 : 600))
    record "ours.step$b" "$("$BENCH" step "$b" "$steps" 1 | number_before pairs/s)"
    record "torch.step$b" "$("$PYTHON" "$PEERS/torch_step.py" "$b" "$steps" 1 | number_before pairs/s)"
  done
  record "ours.step128t2" "$("$BENCH" step 128 600 2 | number_before pairs/s)"
  record "torch.step128t2" "$("$PYTHON" "$PEERS/torch_step.py" 128 600 2 | number_before pairs/s)"
  record "ours.aug" "$("$BENCH" aug 3 | number_before images/s)"
  record "torch.aug" "$("$PYTHON" "$PEERS/torch_aug.py" 1 | number_before images/s)"
  record "ours.pipeline" "$("$BENCH" pipeline 2 3 | number_before images/s)"
  record "torch.pipeline" "$(grep '^torch.aug ' "$LOG/results" | tail -1 | cut -d' ' -f2)"
done

if [[ $RECIPE == 1 ]]; then
  for ((round = 1; round <= RECIPE_ROUNDS; round++)); do
    echo "recipe round $round/$RECIPE_ROUNDS (load: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
    out="$LOG/run-$round"
    start=$(date +%s.%N)
    (cd "$ROOT" && dotnet "$HOST_DLL" --Output:Directory="$out" --Telemetry:LogInterval=0) >"$LOG/ours-$round.txt" 2>&1
    end=$(date +%s.%N)
    record "ours.recipe.process" "$(echo "$end - $start" | bc)"
    record "ours.recipe.train" "$(grep 'Run summary' "$LOG/ours-$round.txt" | grep -oE '[0-9.]+ s,' | head -1 | cut -d' ' -f1)"
    record "ours.recipe.acc" "$(grep 'Test evaluation' "$LOG/ours-$round.txt" | grep -oE '= [0-9.]+' | head -1 | cut -d' ' -f2)"
    # The README's own command, as a user types it on a built tree (a Debug build, optimised in every configuration;
    # the time includes dotnet run's restore and up-to-date check).
    start=$(date +%s.%N)
    (cd "$ROOT" && dotnet run --project src/Host -- --Output:Directory="$out-readme") >"$LOG/readme-$round.txt" 2>&1
    end=$(date +%s.%N)
    record "ours.readme.process" "$(echo "$end - $start" | bc)"
    record "ours.readme.pairs" "$(grep 'Run summary' "$LOG/readme-$round.txt" | grep -oE '[0-9]+ pairs/s' | head -1 | cut -d' ' -f1)"
    record "ours.release.pairs" "$(grep 'Run summary' "$LOG/ours-$round.txt" | grep -oE '[0-9]+ pairs/s' | head -1 | cut -d' ' -f1)"
    start=$(date +%s.%N)
    "$PYTHON" "$PEERS/torch_seed_recipe.py" >"$LOG/torch-$round.txt" 2>&1
    end=$(date +%s.%N)
    record "torch.recipe.process" "$(echo "$end - $start" | bc)"
    record "torch.recipe.train" "$(grep -oE 'train wall [0-9.]+' "$LOG/torch-$round.txt" | cut -d' ' -f3)"
    record "torch.recipe.acc" "$(grep -oE 'final test pair acc [0-9.]+' "$LOG/torch-$round.txt" | cut -d' ' -f5)"
  done
fi

if [[ $TTA == 1 ]]; then
  echo "time to 97.2% (load: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  (cd "$ROOT" && DOTNET_ENVIRONMENT=Fast dotnet "$HOST_DLL" --Output:Directory="$LOG/fast" --Telemetry:LogInterval=0) >"$LOG/fast.txt" 2>&1
  record "ours.tta" "$(awk -F, 'NR > 1 && $9 >= 0.972 { print $10; exit }' "$LOG/fast/history.csv")"
  "$PYTHON" "$PEERS/torch_seed_recipe.py" --epochs 260 >"$LOG/torch-tta.txt" 2>&1
  record "torch.tta" "$(grep -oE 'time to 0.972: [0-9.]+' "$LOG/torch-tta.txt" | grep -oE '[0-9.]+$' | head -1)"
fi

"$PYTHON" - "$LOG/results" "$ROUNDS" "$RECIPE_ROUNDS" <<'PY'
import sys, statistics, collections
values = collections.defaultdict(list)
for line in open(sys.argv[1]):
    key, _, value = line.strip().partition(' ')
    if value:
        values[key].append(float(value))
rows = [
    ('trainer step B=20, 1 thread (pairs/s)', 'step20', 'higher'),
    ('trainer step B=128, 1 thread (pairs/s)', 'step128', 'higher'),
    ('trainer step B=128, 2 threads (pairs/s)', 'step128t2', 'higher'),
    ('augmentation, one thread (images/s)', 'aug', 'higher'),
    ('whole pipeline into batches, 2 workers (images/s) vs torch_aug 1 thread', 'pipeline', 'higher'),
    ('default recipe: training wall time (s)', 'recipe.train', 'lower'),
    ('default recipe: process wall time (s)', 'recipe.process', 'lower'),
    ('default recipe: test pair accuracy', 'recipe.acc', 'higher'),
    ('time to 97.2% test pair accuracy from process start (s): Fast profile vs seed recipe', 'tta', 'lower'),
]
def fmt(v):
    return f'{v:,.0f}' if v >= 100 else f'{v:.4f}' if v < 1 else f'{v:.1f}'
print(f'| what | ours (median) | PyTorch (median) | ratio (ours vs PyTorch, >1 = ours better) | runs each |')
print('| --- | --- | --- | --- | --- |')
for label, key, better in rows:
    ours, torch = values.get('ours.' + key), values.get('torch.' + key)
    if not ours or not torch:
        continue
    o, t = statistics.median(ours), statistics.median(torch)
    ratio = o / t if better == 'higher' else t / o
    print(f'| {label} | {fmt(o)} | {fmt(t)} | {ratio:.2f}x | {len(ours)} |')
readme, release = values.get('ours.readme.pairs'), values.get('ours.release.pairs')
if readme and release:
    print(f"| the README's run command (Debug build) vs Release: default recipe pairs/s | {fmt(statistics.median(readme))} | {fmt(statistics.median(release))} (Release) | {statistics.median(readme) / statistics.median(release):.2f}x | {len(readme)} |")
readme_process = values.get('ours.readme.process')
if readme_process:
    print(f"| the README's run command: process start to exit, default recipe (s) | {fmt(statistics.median(readme_process))} | | | {len(readme_process)} |")
print()
print('all values: ' + '; '.join(f"{k}: {', '.join(fmt(v) for v in vs)}" for k, vs in sorted(values.items())))
PY
