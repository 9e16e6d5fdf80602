"""Keras 3 networks (``keras.ops`` only): no files, no Qt, no NumPy pre-processing.

Importing this package imports Keras (and its backend); the app imports it lazily.
"""
