"""Neural-network building blocks: sparse operators and hypergraph convolutions."""
