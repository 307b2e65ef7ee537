"""The intake hub: the agency side that receives what the kiosks collect (sync protocol v1)."""
