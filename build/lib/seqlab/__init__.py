"""seqlab: helpers for the Korean course on sequence models in PyTorch.

Modules
-------
- :mod:`seqlab.data`   toy data, vocabularies, padding, sorting, masks (chapters 1-2)
- :mod:`seqlab.viz`    Korean fonts and figures of padded and packed batches
- :mod:`seqlab.models` RNN/LSTM/GRU cells from scratch, classifier and tagger (chapters 3-4)
- :mod:`seqlab.tasks`  small synthetic sequence tasks generated on the fly
- :mod:`seqlab.train`  a training loop, accuracy and the long-dependency experiment
- :mod:`seqlab.repro`  seeds, threads, device and a reproducible progress bar
- :mod:`seqlab.colab`  the set-up that every student notebook runs
- :mod:`seqlab.assign` builds student notebooks and autograder zips from the masters
- :mod:`seqlab.bench`  times every notebook (a maintainer's command, not a test)
- :mod:`seqlab.grading` grades a whole class without Docker into a gradebook (`seqlab-grade`)
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
