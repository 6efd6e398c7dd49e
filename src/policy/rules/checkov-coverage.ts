// The checks checkov raises on a default synth of the patterns that the pack had no rule for
// (issue 15; the analysis is test/policy/checkov/findings.ts). One file per rule, named by its
// checkov id, each with the semantics of checkov's check (bridgecrewio/checkov
// checkov/terraform/checks/resource/azure/*.py and graph_checks/azure/*.yaml), read, not copied.
import { PolicyRule } from '../rule';
import { CKV2_AZURE_1 } from './CKV2_AZURE_1';
import { CKV2_AZURE_21 } from './CKV2_AZURE_21';
import { CKV2_AZURE_32 } from './CKV2_AZURE_32';
import { CKV2_AZURE_33 } from './CKV2_AZURE_33';
import { CKV2_AZURE_38 } from './CKV2_AZURE_38';
import { CKV2_AZURE_41 } from './CKV2_AZURE_41';
import { CKV_AZURE_109 } from './CKV_AZURE_109';
import { CKV_AZURE_189 } from './CKV_AZURE_189';
import { CKV_AZURE_212 } from './CKV_AZURE_212';
import { CKV_AZURE_225 } from './CKV_AZURE_225';
import { CKV_AZURE_41 } from './CKV_AZURE_41';

/** The rules added for checkov coverage. @internal */
export const CHECKOV_COVERAGE_RULES: PolicyRule[] = [
  CKV2_AZURE_1,
  CKV2_AZURE_21,
  CKV2_AZURE_32,
  CKV2_AZURE_33,
  CKV2_AZURE_38,
  CKV2_AZURE_41,
  CKV_AZURE_41,
  CKV_AZURE_109,
  CKV_AZURE_189,
  CKV_AZURE_212,
  CKV_AZURE_225,
];
