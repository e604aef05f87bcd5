"""Chat with Qwen models hosted on Hugging Face Spaces from synchronous Python."""

__version__ = "0.1.0"
