{{/* The chart's name, at most 63 characters (a DNS label). */}}
{{- define "baton.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's objects' name: the release name, with the chart's name unless the release name holds it. */}}
{{- define "baton.fullname" -}}
{{- if contains .Chart.Name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "baton.selectorLabels" -}}
app.kubernetes.io/name: {{ include "baton.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "baton.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "baton.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "baton.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "baton.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret the passwords and keys are read from: the operator's, or the chart's own. */}}
{{- define "baton.secretName" -}}
{{- default (include "baton.fullname" .) .Values.existingSecret }}
{{- end }}

{{/* The address written into tokens: issuer, else the ingress host, else the service inside the cluster. */}}
{{- define "baton.issuer" -}}
{{- if .Values.issuer }}
{{- .Values.issuer | trimSuffix "/" }}
{{- else if and .Values.ingress.enabled .Values.ingress.host }}
{{- printf "%s://%s" (ternary "https" "http" (not (empty .Values.ingress.tlsSecretName))) .Values.ingress.host }}
{{- else }}
{{- printf "http://%s.%s.svc:%v" (include "baton.fullname" .) .Release.Namespace .Values.service.port }}
{{- end }}
{{- end }}

{{/* An environment variable read from the Secret. */}}
{{- define "baton.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ include "baton.secretName" .root }}
      key: {{ .key }}
{{- end }}
