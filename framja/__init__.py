"""Främja: the shared platform of the regional business and innovation support system."""
