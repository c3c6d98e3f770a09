#!/usr/bin/env bash
# Pruning on Fashion-MNIST train (Debian package dataset-fashion-mnist): one `hardsamples run` (10% of the source
# mixed, 1% flips, 1% near-duplicates — the run defaults — with 10% held out as the test split the probes never see;
# autoencoder probe, 10 epochs at the seed's batch 512; metrics, correlations, ranking, report), then evaluate-pruning
# on that test split with the linear classifier (all fractions and strategies) and the SSFT CNN (50% kept).
# Usage: scripts/evaluate-pruning-fashion-mnist.sh [RUNS_DIR]   (default ./runs; rerunning resumes or reuses the run)
#
# The figures in the README and docs/pruning/ were measured with the earlier hand-chained version of this script
# (`git show 3c78e8e:scripts/evaluate-pruning-fashion-mnist.sh`: `dataset prepare --test 0.1 --norm 0.2860/0.3530`,
# `train ae` on every prepared sample including the test split, `metrics --ks 0,5 --lid-every 5 --sil-every 5`, `rank`).
# This version has not been rerun yet; expect close but not identical numbers.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="$(realpath -m "${1:-./runs}")"
RUN=fmnist-prune
dotnet build src/Cli -c Release -nologo -clp:ErrorsOnly
HS="src/Cli/bin/Release/net10.0/linux-x64/hardsamples"

if [ -f "$RUNS/$RUN/report/index.html" ]; then :
elif [ -f "$RUNS/$RUN/request.json" ]; then "$HS" run --out "$RUNS" --resume "$RUN" --plain
else "$HS" run --out "$RUNS" --run-id "$RUN" --dataset fashion-mnist --probes ae --epochs 10 --ae-batch 512 --test-fraction 0.1 --plain
fi

"$HS" evaluate-pruning --run "$RUN" --runs "$RUNS" --fractions 0.3,0.5,0.7 --seeds 3 --epochs 5 --strategy hard,easy,balanced --classifier linear
cp "$RUNS/$RUN/results/pruning.csv" "$RUNS/$RUN/results/pruning-linear.csv"
"$HS" evaluate-pruning --run "$RUN" --runs "$RUNS" --fractions 0.5 --seeds 3 --epochs 3 --strategy hard,balanced --classifier cnn
cp "$RUNS/$RUN/results/pruning.csv" "$RUNS/$RUN/results/pruning-cnn.csv"
"$HS" report --run "$RUN" --runs "$RUNS"
