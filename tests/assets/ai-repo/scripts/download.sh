#!/usr/bin/env bash
set -euo pipefail
huggingface-cli download meta-llama/Llama-3.2-1B --local-dir models/llama
hf download rajpurkar/squad --repo-type dataset
docker run --rm ghcr.io/acme/trainer:1.2 --config configs/sft.yaml
git clone https://github.com/acme/tools.git
