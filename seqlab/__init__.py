"""seqlab: helpers for the Korean course on sequence models in PyTorch.

Modules
-------
- :mod:`seqlab.data`   toy data, vocabularies, padding, sorting, masks (chapters 1-2)
- :mod:`seqlab.viz`    Korean fonts and figures of padded and packed batches
- :mod:`seqlab.models` RNN/LSTM/GRU cells from scratch, classifier and tagger (chapters 3-4)
- :mod:`seqlab.lm`     recurrent language model, generation, truncated BPTT, bits per char (chapters 4-5)
- :mod:`seqlab.korean` Korean statute text shipped offline, split by position, jamo decompose/recompose (chapter 5)
- :mod:`seqlab.timeseries` windows, a train-only scaler, baselines and metrics for forecasting (chapter 6)
- :mod:`seqlab.tasks`  small synthetic sequence tasks generated on the fly
- :mod:`seqlab.train`  a training loop, accuracy and the long-dependency experiment
- :mod:`seqlab.numbers` reading numbers aloud in Korean, a generated seq2seq task (chapters 7-8)
- :mod:`seqlab.seq2seq` the encoder/decoder interface, masked loss, greedy batch decoding (chapter 7)
- :mod:`seqlab.attention` five attention scores, masked softmax, the attention decoder (chapter 8)
- :mod:`seqlab.reading` the number-reading experiments and their checkpoints (chapters 7-8)
- :mod:`seqlab.repro`  seeds, threads, device and a reproducible progress bar
- :mod:`seqlab.colab`  the set-up that every student notebook runs
- :mod:`seqlab.validation` the one place where every helper checks its arguments (named errors)

Tools for instructors and maintainers live apart, in :mod:`seqlab.tools` (``seqlab-assign``,
``seqlab-bench``, ``seqlab-grade``); the library never imports them.
"""
from .data import (
    SENTENCES,
    TOY_BATCH,
    TOY_PAD_ID,
    TOY_VOCAB_SIZE,
    Vocab,
    build_vocab,
    check_padded_batch,
    lengths_to_mask,
    packed_batch_sizes,
    pad_sequences,
    sort_by_length,
)
from .repro import progress, seed_everything, setup_notebook

__version__ = "0.1.0"

__all__ = [
    "SENTENCES",
    "TOY_BATCH",
    "TOY_PAD_ID",
    "TOY_VOCAB_SIZE",
    "Vocab",
    "build_vocab",
    "check_padded_batch",
    "lengths_to_mask",
    "packed_batch_sizes",
    "pad_sequences",
    "progress",
    "seed_everything",
    "setup_notebook",
    "sort_by_length",
]
