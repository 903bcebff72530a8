"""Fine-tuning entry point (fixture: read by license-gate, never run)."""

import subprocess

from datasets import load_dataset
from peft import PeftModel
from transformers import AutoModelForCausalLM, AutoTokenizer

BASE = "mistralai/Mistral-7B-v0.1"

tokenizer = AutoTokenizer.from_pretrained(BASE)
model = AutoModelForCausalLM.from_pretrained(BASE, revision="main")
model = PeftModel.from_pretrained(model, "acme/mistral-support-lora")
train = load_dataset("databricks/databricks-dolly-15k")

# Look-alikes that are not models:
local = load_dataset("json", data_files="data/train.json")
resume = AutoModelForCausalLM.from_pretrained("./checkpoints/step-1000")
subprocess.run(["git", "clone", "https://github.com/huggingface/peft"], check=True)
REPO = "huggingface/transformers"  # a GitHub repository named in a comment and a constant
