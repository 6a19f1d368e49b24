"""A deployment rehearsal: an export's plan executed against an AWS emulator on loopback.

endpoint.py refuses anything but loopback; plan.py reads plan.json; emulator.py makes the boto3
clients (dummy keys, assumed roles); world.py is what the rehearsal has created so far; fill.py
puts ids into placeholders and template Parameters; intrinsics.py resolves the CloudFormation
functions of a resource deployed by a substitution; substitutes.py performs the API calls for
resource types moto's CloudFormation lacks; stacks.py deploys a template as a stack; steps.py
has one handler per kind of step; checks.py the rehearsal's own order checks; runner.py walks the
plan; compare.py imports the result and diffs it with the design; report.py formats the outcome.
"""
