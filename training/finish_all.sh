#!/usr/bin/env bash
# After the GPU run: export, parity-check, evaluate and write the card of every model from the
# checkpoints in training/runs/final/ (CPU, about 10 minutes on 2 cores).
set -eu
PY=${PYTHON:-python}
D=${1:-training/runs/final}
$PY -m training.train_upscale --scale 2 --from-checkpoint "$D/upscale-x2.pth"
$PY -m training.train_upscale --scale 4 --from-checkpoint "$D/upscale-x4.pth"
$PY -m training.train_denoise --from-checkpoint "$D/denoise.pth"
$PY -m training.train_deblock --from-checkpoint "$D/deblock.pth"
$PY -m training.train_dust --from-checkpoint "$D/dust.pth"
