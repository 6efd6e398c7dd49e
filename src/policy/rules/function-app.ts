import { PolicyLevel } from '../api';
import { PolicyRule, RuleStatus, asBoolean, attr, compliant, isExpression, nonCompliant, notApplicable, shown, valueRule } from '../rule';

/** Function Apps with FTP(S) publishing and a site_config (the Flex Consumption plan has no FTP). */
const CLASSIC = ['azurerm_linux_function_app', 'azurerm_windows_function_app', 'azurerm_linux_function_app_slot', 'azurerm_windows_function_app_slot'];
const ALL = [...CLASSIC, 'azurerm_function_app_flex_consumption'];

/** Function App rules (checkov ids, and the library's FTPS rule). @internal */
export const FUNCTION_APP_RULES: PolicyRule[] = [
  {
    id: 'CKV_AZURE_70',
    level: PolicyLevel.ERROR,
    description: 'Function Apps are reachable over HTTPS only.',
    fix: 'set https_only = true (and leave auth_settings_v2.require_https on)',
    appliesTo: ALL,
    check(subject) {
      if (subject.kind !== 'resource') return notApplicable();
      const config = subject.element.config;
      const httpsOnly = config.https_only;
      if (isExpression(httpsOnly)) return notApplicable();
      if (httpsOnly === undefined) return nonCompliant('https_only is not set (the provider default is false)', PolicyLevel.WARNING);
      if (asBoolean(httpsOnly) !== true) return nonCompliant(`https_only is ${shown(httpsOnly)}`);
      const requireHttps = attr(config, 'auth_settings_v2/require_https');
      if (requireHttps !== undefined && asBoolean(requireHttps) === false) {
        return nonCompliant('auth_settings_v2.require_https is false');
      }
      return compliant();
    },
  },
  valueRule({
    id: 'CKV_AZURE_72',
    level: PolicyLevel.ERROR,
    description: 'Function Apps have remote debugging disabled.',
    fix: 'set site_config.remote_debugging_enabled = false (or leave it unset)',
    types: ALL,
    path: 'site_config/remote_debugging_enabled',
    expected: [false],
    whenMissing: RuleStatus.COMPLIANT,
  }),
  valueRule({
    id: 'CKV_AZURE_145',
    level: PolicyLevel.ERROR,
    description: 'Function Apps accept TLS 1.2 or later only.',
    fix: "set site_config.minimum_tls_version = '1.2' (or leave it unset: the provider default is 1.2)",
    types: ALL,
    path: 'site_config/minimum_tls_version',
    expected: ['1.2', '1.3'],
    whenMissing: RuleStatus.COMPLIANT,
  }),
  valueRule({
    id: 'CKV_AZURE_221',
    level: PolicyLevel.WARNING,
    description: 'Function Apps have public network access disabled.',
    fix: 'set public_network_access_enabled = false and reach the app through a private endpoint',
    types: ALL,
    path: 'public_network_access_enabled',
    expected: [false],
    whenMissing: RuleStatus.NON_COMPLIANT,
  }),
  valueRule({
    id: 'DV_FUNCTION_FTPS',
    level: PolicyLevel.ERROR,
    description: 'Function Apps do not accept plain FTP deployments (FTPS only, or FTP disabled).',
    fix: "set site_config.ftps_state = 'Disabled' (or 'FtpsOnly')",
    types: CLASSIC,
    path: 'site_config/ftps_state',
    expected: ['Disabled', 'FtpsOnly'],
    whenMissing: RuleStatus.NON_COMPLIANT,
    missingLevel: PolicyLevel.WARNING,
  }),
];
