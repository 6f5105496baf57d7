"""Developer tooling of the player segmentation platform: the embedded default stack and replay."""
