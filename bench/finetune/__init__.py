"""Make the FAQ's embedding model: all-MiniLM-L6-v2 fine-tuned on the labelled questions.

Fit time only (PyTorch beside `pip install -e '.[fit]'`); the bot runs the int8 file that
`export.py` writes into bot/features/faq/model/. README.md here has the commands;
docs/faq-matcher.md the measurements that chose it.
"""
