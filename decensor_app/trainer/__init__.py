"""The trainer: dataset building, GAN training, export and evaluation (``decensor-train``)."""
