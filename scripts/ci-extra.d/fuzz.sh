bash scripts/fuzz.sh 15
