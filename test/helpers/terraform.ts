/**
 * Shared setup of the real-Terraform tests: whether the CLI and the hashicorp/aws provider are here,
 * a scratch working directory whose CLI config installs the provider from the filesystem mirror, and
 * the runner (`terraform <args> -no-color` in that directory), `plan -detailed-exitcode` and outputs.
 *
 * Terraform cannot download providers here, so this needs `terraform` on PATH and the AWS provider
 * in a filesystem mirror (`TF_PLUGIN_MIRROR`, default /opt/tf-plugins, laid out as
 * registry.terraform.io/hashicorp/aws/<version>/linux_amd64/).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const MIRROR = process.env['TF_PLUGIN_MIRROR'] ?? '/opt/tf-plugins';
const PROVIDER_DIR = join(MIRROR, 'registry.terraform.io', 'hashicorp', 'aws');

export type TerraformAvailability = { ok: true; providerVersion: string } | { ok: false; why: string };

/** Whether `terraform` is on PATH and the mirror holds a hashicorp/aws provider (the newest version is used). */
export function terraformAvailable(): TerraformAvailability {
  const onPath = (process.env['PATH'] ?? '').split(':').some((dir) => dir && existsSync(join(dir, 'terraform')));
  if (!onPath) return { ok: false, why: 'terraform is not on PATH' };
  if (!existsSync(PROVIDER_DIR)) return { ok: false, why: `no hashicorp/aws provider mirror at ${PROVIDER_DIR}` };
  const versions = readdirSync(PROVIDER_DIR).sort();
  if (versions.length === 0) return { ok: false, why: `no provider version under ${PROVIDER_DIR}` };
  return { ok: true, providerVersion: versions[versions.length - 1]! };
}

/** The `terraform { required_providers }` and `provider "aws"` blocks pointing EC2 and STS at `endpoint`. */
export function awsProviderBlock(providerVersion: string, endpoint: string): string {
  return `
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "${providerVersion}" }
  }
}
provider "aws" {
  region                  = "us-east-1"
  access_key              = "test"
  secret_key              = "test"
  skip_metadata_api_check = true
  skip_region_validation  = true
  endpoints {
    ec2 = "${endpoint}"
    sts = "${endpoint}"
  }
}
`;
}

export interface TerraformWorkdir {
  readonly dir: string;
  /** Writes `main.tf` (the whole configuration, provider blocks included). */
  writeConfig(hcl: string): void;
  /** `terraform <args> -no-color` in the directory; rejects on a non-zero exit (the error carries code, stdout, stderr). */
  terraform(...args: string[]): Promise<{ stdout: string; stderr: string }>;
  /** `terraform plan -detailed-exitcode`: 0 = no changes, 2 = changes (the plan is logged), an error throws. */
  planExitCode(): Promise<number>;
  /** `terraform output -json`, each output's value. */
  outputs(): Promise<Record<string, string>>;
  /** Removes the directory. */
  remove(): void;
}

/** A fresh scratch directory whose `cli.tfrc` installs hashicorp/aws from the mirror and nothing from the network. */
export function terraformWorkdir(label: string): TerraformWorkdir {
  const dir = mkdtempSync(join(tmpdir(), 'ec2-sg-emulator-terraform-'));
  writeFileSync(
    join(dir, 'cli.tfrc'),
    `provider_installation {
  filesystem_mirror {
    path    = "${MIRROR}"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
`,
  );
  const env = {
    ...process.env,
    TF_CLI_CONFIG_FILE: join(dir, 'cli.tfrc'),
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const terraform = (...args: string[]) =>
    run('terraform', [...args, '-no-color'], { cwd: dir, env, maxBuffer: 32 * 1024 * 1024 });

  return {
    dir,
    writeConfig: (hcl) => writeFileSync(join(dir, 'main.tf'), hcl),
    terraform,
    async planExitCode() {
      try {
        await terraform('plan', '-detailed-exitcode', '-input=false');
        return 0;
      } catch (err) {
        const e = err as { code?: number; stdout?: string };
        if (e.code !== 2) throw err;
        console.warn(`[${label}] plan shows changes:\n${e.stdout}`);
        return 2;
      }
    },
    async outputs() {
      const { stdout } = await terraform('output', '-json');
      const parsed = JSON.parse(stdout) as Record<string, { value: string }>;
      return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, v.value]));
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
