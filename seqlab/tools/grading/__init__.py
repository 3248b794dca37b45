"""``seqlab-grade``: grade a whole class, with student code in a sandbox and checks outside it.

Rooms (trusted unless marked):

- :mod:`.collect`   finds the files, gives every file a row, decides resume/duplicate/screen;
- :mod:`.sandbox`   starts the untrusted runner under bubblewrap and talks to it;
- :mod:`.runner`    UNTRUSTED: runs the submission's cells and answers requests (inside the sandbox);
- :mod:`.contract`  the typed frames and values between the two (JSON + ``.npy``, no pickle);
- :mod:`.judge`     the ``student`` proxy over the channel; runs every test of an exercise;
- :mod:`.gradebook` gradebook, feedback files, logs, summary;
- :mod:`.feedback`  what a student reads per question (cell errors, hidden cases passed, forbidden tools);
- :mod:`.lms`       student ids, "late" markers and submission times from what LMS downloads carry;
- :mod:`.export`    the LMS uploads (grades, Canvas, Moodle) and the integrity file;
- :mod:`.analytics` per-question analytics for the instructor;
- :mod:`.similarity` the similarity report across a class (copydetect; never a score);
- :mod:`.cli`       ``grade_class`` and the command line.

This package is kept free of imports at package level: the runner imports it inside the sandbox.
"""
