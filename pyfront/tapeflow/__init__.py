from tapeflow import _C
