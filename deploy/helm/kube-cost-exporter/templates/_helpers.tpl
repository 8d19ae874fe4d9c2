{{/*
Helpers of the kube-cost-exporter chart. The templates render the same objects as
deploy/kustomize (test/deploy/helm.test.ts compares them), plus the Helm-only options.
*/}}

{{/* The chart name, or nameOverride. */}}
{{- define "kce.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Full name: fullnameOverride, or the release name when it contains the chart name, or release-chart. */}}
{{- define "kce.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Labels that select the exporter's pods. */}}
{{- define "kce.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kce.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Labels of every object. */}}
{{- define "kce.labels" -}}
{{ include "kce.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: kube-cost-exporter
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end -}}

{{- define "kce.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "kce.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "kce.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* The node agent: its objects' name, namespace and the labels that select its pods. The exporter finds
agent pods by app.kubernetes.io/name=kube-cost-exporter-agent and app.kubernetes.io/component=node-agent
(src/sources/agent); the name differs from the exporter's so that its Service never selects them. */}}
{{- define "kce.agent.name" -}}
{{- printf "%s-agent" (include "kce.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "kce.agent.namespace" -}}
{{- default .Release.Namespace .Values.agent.namespace -}}
{{- end -}}

{{- define "kce.agent.selectorLabels" -}}
app.kubernetes.io/name: kube-cost-exporter-agent
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: node-agent
{{- end -}}
