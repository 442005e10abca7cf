"""The synthetic national-scale graph generator (`thaiplan synth`) used by the benchmarks and scale tests."""
