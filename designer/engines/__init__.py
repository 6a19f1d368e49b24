"""The deployment engines' languages: a design written as, and read back from, a Landing Zone
Accelerator configuration, an org-formation organization, or Terraform (write only).

carried.py says, for every design concept, where each engine keeps it (the README's mapping
table) and cuts a design down to what an engine can carry (the round trip's yardstick);
report.py is what a conversion could not represent; yamlio.py reads and writes the YAML.
"""
