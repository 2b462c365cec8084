#!/bin/bash
# Queues the sweep's job array, then the merge to run after every task of
# it has succeeded. Run from the repository's root (or wherever
# `scenarios/` is), on the cluster's login node.
set -euo pipefail
here=$(dirname "$0")
array=$(sbatch --parsable "$here/sweep.sbatch")
sbatch --dependency="afterok:${array%%;*}" "$here/merge.sbatch"
