"""The Gradio protocol, as a synchronous client speaks it.

Nothing in this package knows about Qwen: it joins queues, reads event
streams, applies streaming diffs, uploads files, cancels jobs and reads a
Gradio app's ``/config``.
"""
