"""The image library: originals checked on upload, renditions made once, files in the default storage."""
