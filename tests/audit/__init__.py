"""Tests of the audit app: recording, the hash chains, their verification and immutability."""
