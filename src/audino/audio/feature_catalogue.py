"""What each audio feature of the feature explorer is, in words a non-expert follows: its
title, what its values and rows mean, and where to read more (audino.audio.features
computes them; the names here are the stable names the API uses)."""

from __future__ import annotations

from dataclasses import dataclass

LIBROSA = "https://librosa.org/doc/latest/generated/"


@dataclass(frozen=True)
class Description:
    title: str
    unit: str  # of the values
    axis: str  # what the rows are
    explanation: str
    link: str


DESCRIPTIONS: dict[str, Description] = {
    "mel": Description(
        "Mel spectrogram",
        "dB",
        "Mel band, by its centre frequency (Hz), lowest first",
        "How much energy the sound has in each frequency band over time, with bands spaced "
        "the way human hearing spaces pitch (finer in the low range). Bright stripes are "
        "tones and voices; a dark region is quiet. Values are decibels, so +10 dB is ten "
        "times the power.",
        "https://en.wikipedia.org/wiki/Mel_scale",
    ),
    "mfcc": Description(
        "MFCC",
        "coefficient (dB-scaled)",
        "coefficient, 0 (overall loudness) to 19 (finest detail)",
        "Mel-frequency cepstral coefficients: a compact description of the overall shape "
        "of the spectrum, its timbre, rather than of single pitches. They are the classic "
        "input to speech and speaker recognisers; similar sounds give similar numbers.",
        "https://en.wikipedia.org/wiki/Mel-frequency_cepstrum",
    ),
    "mfcc_delta": Description(
        "MFCC delta",
        "change per frame",
        "coefficient, as in MFCC",
        "How fast each MFCC changes from frame to frame (its local slope). Large values "
        "mark moments where the sound's character is changing, such as the move from one "
        "speech sound to the next.",
        LIBROSA + "librosa.feature.delta.html",
    ),
    "mfcc_delta2": Description(
        "MFCC delta-delta",
        "change of the change per frame",
        "coefficient, as in MFCC",
        "The acceleration of each MFCC: whether its change speeds up or slows down. "
        "Together with the deltas it is the usual way to give a recogniser a sense of "
        "movement as well as of the sound itself.",
        LIBROSA + "librosa.feature.delta.html",
    ),
    "chroma": Description(
        "Chromagram",
        "relative energy (1 = the strongest pitch class of the frame)",
        "pitch class, C to B (all octaves folded together)",
        "How strongly each of the twelve notes of the Western scale sounds, whatever the "
        "octave. A sung or played A lights up the A row; chords light up several rows. "
        "It is useful for music and much less so for noise.",
        "https://en.wikipedia.org/wiki/Chroma_feature",
    ),
    "tonnetz": Description(
        "Tonnetz (tonal centroids)",
        "coordinate (-1 to 1)",
        "coordinate: fifths (x, y), minor thirds (x, y), major thirds (x, y)",
        "Where the harmony of each moment lies on three circles of related notes: fifths, "
        "minor thirds and major thirds. Chords that sound related sit close together, so "
        "changes of key or chord show up as jumps.",
        "https://en.wikipedia.org/wiki/Tonnetz",
    ),
    "spectral_contrast": Description(
        "Spectral contrast",
        "dB (peak minus valley)",
        "octave band, lowest first",
        "For each octave band, how far the loudest part stands above the quietest part. "
        "Clear tones and harmonics give high contrast; noise such as hiss or wind gives "
        "low contrast.",
        LIBROSA + "librosa.feature.spectral_contrast.html",
    ),
    "spectral_centroid": Description(
        "Spectral centroid",
        "Hz",
        "one row",
        "The 'centre of mass' of the spectrum: the frequency around which the energy "
        "balances. A high centroid sounds bright or sharp (cymbals, 's' sounds), a low "
        "one dull or dark (a bass, a muffled voice).",
        "https://en.wikipedia.org/wiki/Spectral_centroid",
    ),
    "spectral_bandwidth": Description(
        "Spectral bandwidth",
        "Hz",
        "one row",
        "How widely the energy spreads around the spectral centroid. A pure tone has a "
        "narrow bandwidth; noise and crowded mixtures have a wide one.",
        LIBROSA + "librosa.feature.spectral_bandwidth.html",
    ),
    "spectral_rolloff": Description(
        "Spectral roll-off",
        "Hz",
        "one row",
        "The frequency below which 85 % of the energy lies. It tells how far up the "
        "spectrum the sound reaches: low for voiced speech and bass, high for hiss, "
        "fricatives and cymbals.",
        LIBROSA + "librosa.feature.spectral_rolloff.html",
    ),
    "zero_crossing_rate": Description(
        "Zero-crossing rate",
        "fraction of samples",
        "one row",
        "How often the waveform crosses zero, as a fraction of its samples. Noisy sounds "
        "(hiss, 's' and 'f') cross very often, low voiced sounds rarely; it is a cheap "
        "way to tell the two apart.",
        "https://en.wikipedia.org/wiki/Zero-crossing_rate",
    ),
    "rms": Description(
        "RMS energy",
        "amplitude (1 = full scale)",
        "one row",
        "The loudness of each moment as the root mean square of the waveform. A steady "
        "tone at full scale reads about 0.71; silence reads 0. It is the curve to look at "
        "for pauses and loud events.",
        "https://en.wikipedia.org/wiki/Root_mean_square",
    ),
    "onset_strength": Description(
        "Onset strength",
        "dB increase (mean over Mel bands)",
        "one row",
        "How suddenly the sound gets louder in some frequency band: peaks mark the starts "
        "of notes, beats, words and clicks. It is what beat trackers and the tempograms "
        "below are built from.",
        LIBROSA + "librosa.onset.onset_strength.html",
    ),
    "tempogram": Description(
        "Tempogram",
        "autocorrelation (1 = strongest lag of the frame)",
        "lag, by the tempo it stands for (BPM), fastest first",
        "Which tempi the rhythm of each moment repeats at, from how well the onset "
        "strength matches a delayed copy of itself. A steady beat shows as a bright "
        "horizontal line at its tempo (and at half and double of it).",
        LIBROSA + "librosa.feature.tempogram.html",
    ),
    "fourier_tempogram": Description(
        "Fourier tempogram",
        "magnitude",
        "tempo (BPM), slowest first",
        "The same question as the tempogram, answered with a Fourier transform of the "
        "onset strength: how strongly the rhythm pulses at each tempo. It shows the beat "
        "and its multiples rather than its fractions.",
        LIBROSA + "librosa.feature.fourier_tempogram.html",
    ),
}

PITCH_CLASSES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
TONNETZ_AXES = ("fifth x", "fifth y", "minor third x", "minor third y", "major third x",
                "major third y")  # fmt: skip
# The summary vector, in order: (part, length) for the dataset map.
SUMMARY_PARTS = (("mfcc_mean", 20), ("mfcc_std", 20), ("mel_mean", 128), ("mel_std", 128))
