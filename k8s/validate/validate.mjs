// Validates rendered manifests (the output of `kubectl kustomize k8s/overlays/<name>`) offline against
// the Kubernetes API schemas (kubernetes-models) and the Prometheus Operator CRD schemas
// (@kubernetes-models/prometheus-operator): types, required fields, enums, int-or-string, quantities.
// The schemas do not reject unknown fields (a misspelt `readinesProbe` would pass them and be ignored
// by Kubernetes), so each object is then type-checked as a TypeScript object literal of the model's
// interface (IDeployment, IServiceMonitor, ...): TypeScript rejects properties an interface does not
// declare, at every depth. Every object must be of a kind listed below, so nothing passes unvalidated.
//
//   node validate.mjs rendered.yaml     prints the objects as a JSON array; exit 1 with the errors otherwise
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';

const core = (kind) => `kubernetes-models/v1/${kind}`;
const MODELS = {
  'v1/ConfigMap': core('ConfigMap'),
  'v1/Namespace': core('Namespace'),
  'v1/Secret': core('Secret'),
  'v1/Service': core('Service'),
  'apps/v1/Deployment': 'kubernetes-models/apps/v1/Deployment',
  'networking.k8s.io/v1/NetworkPolicy': 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy',
  'policy/v1/PodDisruptionBudget': 'kubernetes-models/policy/v1/PodDisruptionBudget',
  'autoscaling/v2/HorizontalPodAutoscaler': 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler',
  'monitoring.coreos.com/v1/ServiceMonitor': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor',
  'monitoring.coreos.com/v1/PrometheusRule': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule',
};

const file = process.argv[2];
if (!file) {
  console.error('usage: node validate.mjs rendered.yaml');
  process.exit(2);
}
const errors = [];
const objects = [];
for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
  if (doc.errors.length > 0) {
    errors.push(`YAML: ${doc.errors.map((e) => e.message).join('; ')}`);
    continue;
  }
  const object = doc.toJS();
  if (object === null || object === undefined) {
    continue;
  }
  const type = `${object.apiVersion}/${object.kind}`;
  const name = `${type} ${object.metadata?.name ?? '(no name)'}`;
  const module = MODELS[type];
  if (!module) {
    errors.push(`${name}: no schema for this kind in validate.mjs`);
    continue;
  }
  const Model = Object.values(await import(module)).find((v) => typeof v === 'function' && v.kind === object.kind);
  try {
    new Model(object).validate();
    objects.push(object);
  } catch (e) {
    errors.push(`${name}: ${e.message}`);
  }
}
if (errors.length === 0) {
  errors.push(...unknownFields(objects));
}
if (errors.length > 0) {
  console.error(errors.join('\n'));
  process.exit(1);
}
process.stdout.write(JSON.stringify(objects));

/** TypeScript's excess-property errors for the objects, each typed as its model's interface. */
function unknownFields(objects) {
  const file = join(dirname(fileURLToPath(import.meta.url)), `.typecheck-${process.pid}.ts`);
  const lines = [];
  objects.forEach((object, i) => {
    const module = MODELS[`${object.apiVersion}/${object.kind}`];
    lines.push(`import type { I${object.kind} as T${i} } from '${module}';`);
    lines.push(`export const o${i}: T${i} = ${JSON.stringify(object)};`);
  });
  writeFileSync(file, lines.join('\n'));
  try {
    const program = ts.createProgram([file], {
      noEmit: true, strict: true, skipLibCheck: true, types: [],
      module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022,
    });
    return ts.getPreEmitDiagnostics(program).map((d) => {
      const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      if (!d.file || d.start === undefined) {
        return message;
      }
      const { line } = d.file.getLineAndCharacterOfPosition(d.start);
      const object = objects[Math.floor(line / 2)];
      return `${object ? `${object.apiVersion}/${object.kind} ${object.metadata?.name}` : 'type check'}: ${message}`;
    });
  } finally {
    rmSync(file, { force: true });
  }
}
