{{/*
Names. Resources are named after the release, so the stable release "catalogue" and the canary release
"catalogue-canary" never collide (the storefront chart's rule).
*/}}
{{- define "catalogue.name" -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "catalogue.track" -}}
{{- if .Values.canary.enabled }}canary{{ else }}stable{{ end -}}
{{- end -}}

{{- define "catalogue.version" -}}
{{- default .Chart.AppVersion .Values.image.tag -}}
{{- end -}}

{{- define "catalogue.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ include "catalogue.version" . | trunc 63 | quote }}
app.kubernetes.io/part-of: storefront
app.kubernetes.io/name: catalogue
app.kubernetes.io/instance: {{ .Release.Name }}
track: {{ include "catalogue.track" . }}
release: {{ .Release.Name }}
{{- end -}}

{{- define "catalogue.selectorLabels" -}}
app.kubernetes.io/name: catalogue
app.kubernetes.io/instance: {{ .Release.Name }}
track: {{ include "catalogue.track" . }}
{{- end -}}
