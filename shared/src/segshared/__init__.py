"""Common package of the player segmentation platform."""
