"""Spike (issue 10, round 8): MiniLM-L6 fine-tuned on the labelled questions, measured held out.

Not used by the bot. Needs PyTorch (`pip install torch==2.13.0`, CPU build) beside the project's
own packages; see README.md here for the commands and docs/faq-matcher.md for the figures.
"""
