"""The training engine shared by every keras.Model: compile/fit/evaluate/predict."""
