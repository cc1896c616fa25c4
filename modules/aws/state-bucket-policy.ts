/** The Terraform state bucket's policy (the bucket itself exists already and is not managed here). */
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import type { Construct } from "constructs";
import type { AwsSpec } from "../spec";
import { stateBucketDocument } from "./documents";
import { addressed } from "./logical-id";
import { jsonencodePolicy, recordPolicyDocument } from "./policy-document";

export function addStateBucketPolicy(scope: Construct, aws: AwsSpec): S3BucketPolicy {
  const doc = stateBucketDocument(aws);
  const policy = addressed(
    new S3BucketPolicy(scope, "state-bucket-policy", {
      bucket: aws.stateBucket.name,
      policy: jsonencodePolicy(doc),
    }),
    "terraform_state",
  );
  recordPolicyDocument(policy, doc);
  return policy;
}
