{{/* Chart name, truncated to the 63 characters of a DNS label. */}}
{{- define "kaml-d.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full object name: <release>-<chart> unless the release already carries the chart name. */}}
{{- define "kaml-d.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Name of cluster-scoped objects: the namespace is part of it, so two releases never clash. */}}
{{- define "kaml-d.clusterName" -}}
{{- printf "%s-%s" .Release.Namespace (include "kaml-d.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "kaml-d.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kaml-d.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "kaml-d.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "kaml-d.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: kaml-d
{{- end }}

{{- define "kaml-d.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "kaml-d.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "kaml-d.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* Host of the ingress: ingress.host, else the host part of baseUrl. */}}
{{- define "kaml-d.host" -}}
{{- default (urlParse .Values.baseUrl).host .Values.ingress.host | regexFind "^[^:]+" }}
{{- end }}

{{/* One env var from a Secret: (dict "name" "X" "secret" "s" "key" "k"). */}}
{{- define "kaml-d.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .secret | quote }}
      key: {{ .key | quote }}
{{- end }}

{{/* Namespaces the read ClusterRole is bound in when rbac.readScope is "namespaces". */}}
{{- define "kaml-d.readNamespaces" -}}
{{- $all := list .Release.Namespace }}
{{- range .Values.rbac.readNamespaces }}{{ $all = append $all . }}{{ end }}
{{- range .Values.rbac.trainingNamespaces }}{{ $all = append $all . }}{{ end }}
{{- range .Values.rbac.servingNamespaces }}{{ $all = append $all . }}{{ end }}
{{- $all | uniq | toJson }}
{{- end }}
