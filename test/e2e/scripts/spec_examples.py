"""The contract's boto3 examples, unchanged but for endpoint_url, run against a local stack.

Usage: python3 spec_examples.py <lambda endpoint> <plan id>
Prints one JSON line per response, for the test to check.
"""
import json
import sys
import time

import boto3

endpoint, plan_id = sys.argv[1], sys.argv[2]
lambda_client = boto3.client(
    'lambda',
    endpoint_url=endpoint,
    region_name='us-east-1',
    aws_access_key_id='local',
    aws_secret_access_key='local',
)


def invoke(payload):
    response = lambda_client.invoke(
        FunctionName='execution-handler',
        InvocationType='RequestResponse',
        Payload=json.dumps(payload),
    )
    result = json.loads(response['Payload'].read())
    print(json.dumps(result))
    return result


# Start execution
result = invoke({
    "operation": "start_execution",
    "planId": plan_id,
    "executionType": "DRILL",
    "initiatedBy": "admin@example.com",
})
execution_id = result['executionId']

# Poll status (the example sleeps 30 s; the local stack runs fast)
deadline = time.time() + 60
while True:
    status = invoke({
        "operation": "get_execution_details",
        "executionId": execution_id,
        "queryParams": {"planId": plan_id},
    })
    if status['status'] == 'PAUSED':
        invoke({"operation": "resume", "executionId": execution_id, "planId": plan_id})
    if status['status'] in ['COMPLETED', 'FAILED', 'CANCELLED'] or time.time() > deadline:
        break
    time.sleep(0.2)

# Find, as EventBridge would ask
invoke({"operation": "find"})
