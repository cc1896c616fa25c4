/** The provider adapters, by provider: the one registry scenarios, the CLI, properties and verify use. */
import { awsAdapter } from "./aws/adapter";
import { entraAdapter } from "./entra/adapter";
import { oktaAdapter } from "./okta/adapter";
import type { Adapters } from "./scenarios/load";

export const ADAPTERS: Adapters = { aws: awsAdapter, entra: entraAdapter, okta: oktaAdapter };
