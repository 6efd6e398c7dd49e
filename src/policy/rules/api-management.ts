import { PolicyLevel } from '../api';
import { PolicyRule, RuleStatus, asBoolean, block, compliant, isExpression, nonCompliant, notApplicable, shown, valueRule } from '../rule';

const SERVICE = ['azurerm_api_management'];

/** Protocol switches of the security block, azurerm 4.x names first, then their deprecated 3.x names. */
const OLD_PROTOCOLS = [
  'backend_ssl30_enabled',
  'backend_tls10_enabled',
  'backend_tls11_enabled',
  'frontend_ssl30_enabled',
  'frontend_tls10_enabled',
  'frontend_tls11_enabled',
  'enable_backend_ssl30',
  'enable_backend_tls10',
  'enable_backend_tls11',
  'enable_frontend_ssl30',
  'enable_frontend_tls10',
  'enable_frontend_tls11',
];

/** API Management rules (checkov ids). @internal */
export const API_MANAGEMENT_RULES: PolicyRule[] = [
  valueRule({
    id: 'CKV_AZURE_107',
    level: PolicyLevel.WARNING,
    description: 'API Management services are deployed into a virtual network.',
    fix: "set virtual_network_type ('External' or 'Internal') and virtual_network_configuration.subnet_id (Developer or Premium tier)",
    types: SERVICE,
    path: 'virtual_network_configuration/subnet_id',
    expected: 'ANY',
    whenMissing: RuleStatus.NON_COMPLIANT,
  }),
  {
    id: 'CKV_AZURE_152',
    level: PolicyLevel.WARNING,
    description: 'API Management services of the Consumption tier require client certificates.',
    fix: 'set client_certificate_enabled = true',
    appliesTo: SERVICE,
    check(subject) {
      if (subject.kind !== 'resource') return notApplicable();
      const sku = subject.element.config.sku_name;
      if (typeof sku !== 'string' || !sku.startsWith('Consumption')) return notApplicable('not the Consumption tier');
      const enabled = subject.element.config.client_certificate_enabled;
      return asBoolean(enabled) === true ? compliant() : nonCompliant(`client_certificate_enabled is ${shown(enabled)} on a Consumption service`);
    },
  },
  {
    id: 'CKV_AZURE_173',
    level: PolicyLevel.ERROR,
    description: 'API Management services use TLS 1.2 or later (SSL 3.0, TLS 1.0 and 1.1 off, front end and back end).',
    fix: 'remove the security settings that enable SSL 3.0, TLS 1.0 or TLS 1.1 (or set them to false)',
    appliesTo: SERVICE,
    check(subject) {
      if (subject.kind !== 'resource') return notApplicable();
      const security = block(subject.element.config, 'security');
      const on = OLD_PROTOCOLS.filter((k) => asBoolean(security?.[k]) === true);
      return on.length === 0 ? compliant() : nonCompliant(`security enables ${on.join(', ')}`);
    },
  },
  {
    id: 'CKV_AZURE_174',
    level: PolicyLevel.WARNING,
    description: 'API Management services have public network access disabled.',
    fix: 'set public_network_access_enabled = false (possible only after creation, with a private endpoint)',
    appliesTo: SERVICE,
    check(subject) {
      if (subject.kind !== 'resource') return notApplicable();
      const value = subject.element.config.public_network_access_enabled;
      if (isExpression(value)) return notApplicable();
      return asBoolean(value) === false ? compliant() : nonCompliant(`public_network_access_enabled is ${shown(value)}`);
    },
  },
  {
    id: 'CKV_AZURE_215',
    level: PolicyLevel.ERROR,
    description: 'API Management backends are called over HTTPS.',
    fix: 'use an https:// backend url',
    appliesTo: ['azurerm_api_management_backend'],
    check(subject) {
      if (subject.kind !== 'resource') return notApplicable();
      const url = subject.element.config.url;
      if (typeof url !== 'string') return notApplicable();
      if (url.toLowerCase().startsWith('https://')) return compliant();
      if (url.toLowerCase().startsWith('http://')) return nonCompliant(`url is ${shown(url)}`);
      return notApplicable('url is an expression');
    },
  },
];
