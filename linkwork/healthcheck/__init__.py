"""The scheme health check: what the evidence says makes social prescribing schemes work,
measured from live data and a scheme lead's self-assessment, with an action plan."""
