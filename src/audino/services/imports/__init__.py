"""Importing: dataset files into projects, annotation files matched to recordings, and bulk
imports of audio from folders, globs and buckets."""
