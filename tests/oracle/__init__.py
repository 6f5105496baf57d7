"""Independent test oracle computed from the bets CSV alone; see bets_oracle."""
