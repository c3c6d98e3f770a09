#!/usr/bin/env bash
# Reproduces the README's pruning figures on Fashion-MNIST train (Debian package dataset-fashion-mnist):
# prepare (10% of the source mixed, 1% flips, 1% near-duplicates, 10% held-out test split) → autoencoder probe
# (10 epochs) → metrics and their correlation with the mixture target → ranking → evaluate-pruning with the linear
# classifier (all fractions and strategies) and the SSFT CNN (50% kept). Resumable by hand: each step skips when
# its output exists. Usage: scripts/evaluate-pruning-fashion-mnist.sh [RUNS_DIR]   (default ./runs)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="$(realpath -m "${1:-./runs}")"
RUN=fmnist-prune
dotnet build src/Cli -c Release -nologo -clp:ErrorsOnly
HS="src/Cli/bin/Release/net10.0/linux-x64/hardsamples"
mkdir -p "$RUNS/$RUN/results"

[ -f "$RUNS/$RUN/data/manifest.json" ] || "$HS" dataset prepare fashion-mnist --part Train --out "$RUNS" --prefix "$RUN/data" \
  --mix 0.1 --flip 0.01 --dups 0.01 --test 0.1 --norm 0.2860/0.3530
[ -f "$RUNS/$RUN/probes/ae/result.json" ] || "$HS" train ae --dataset "$RUNS/$RUN/data" --out "$RUNS/$RUN" --epochs 10 --ssim-every 0 --checkpoint-every 2

# binary target: 1 = injected mixture (injected.npy == 1), same .npy header
python3 - "$RUNS/$RUN" <<'PY'
import struct, sys
run = sys.argv[1]
b = open(f"{run}/data/injected.npy", "rb").read()
hl = struct.unpack("<H", b[8:10])[0]
assert "'<i4'" in b[10:10 + hl].decode()
body = b[10 + hl:]
inj = struct.unpack(f"<{len(body) // 4}i", body)
open(f"{run}/results/target_mixture.npy", "wb").write(b[:10 + hl] + struct.pack(f"<{len(inj)}i", *[int(v == 1) for v in inj]))
PY
[ -f "$RUNS/$RUN/results/metrics.csv" ] || "$HS" metrics --embeddings "$RUNS/$RUN/probes/ae/embeddings.npy" --losses "$RUNS/$RUN/probes/ae/losses.npy" \
  --labels "$RUNS/$RUN/results/target_mixture.npy" --ks 0,5 --lid-every 5 --sil-every 5 --extended --out "$RUNS/$RUN/results"
"$HS" rank --run "$RUN" --runs "$RUNS"

"$HS" evaluate-pruning --run "$RUN" --runs "$RUNS" --fractions 0.3,0.5,0.7 --seeds 3 --epochs 5 --strategy hard,easy,balanced --classifier linear
cp "$RUNS/$RUN/results/pruning.csv" "$RUNS/$RUN/results/pruning-linear.csv"
"$HS" evaluate-pruning --run "$RUN" --runs "$RUNS" --fractions 0.5 --seeds 3 --epochs 3 --strategy hard,balanced --classifier cnn
cp "$RUNS/$RUN/results/pruning.csv" "$RUNS/$RUN/results/pruning-cnn.csv"
"$HS" report --run "$RUN" --runs "$RUNS"
