"Data that ships with r1repro: held-out evaluation sets and the project's own base checkpoints."
