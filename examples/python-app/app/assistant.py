"""The example service's AI parts: a chat model and an embedding model."""

from sentence_transformers import SentenceTransformer
from transformers import AutoModelForCausalLM, AutoTokenizer

CHAT_MODEL = "meta-llama/Llama-3.1-8B-Instruct"

tokenizer = AutoTokenizer.from_pretrained(CHAT_MODEL)
model = AutoModelForCausalLM.from_pretrained(CHAT_MODEL)
embedder = SentenceTransformer("all-mpnet-base-v2")
# A local checkpoint directory, not a Hub id: never reported as a model.
reranker = AutoModelForCausalLM.from_pretrained("./checkpoints/reranker")
