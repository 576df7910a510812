{{/*
Names. Resources are named after the release (no fullnameOverride: the stable and canary releases
share values, and an override would make them collide). The canary release finds the stable one's
objects by name through storefront.stableName.
*/}}
{{- define "storefront.name" -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The stable release: canary.stableRelease, or this release's name without a trailing "-canary". */}}
{{- define "storefront.stableName" -}}
{{- default (trimSuffix "-canary" .Release.Name) .Values.canary.stableRelease | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "storefront.canaryName" -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "storefront.track" -}}
{{- if .Values.canary.enabled }}canary{{ else }}stable{{ end -}}
{{- end -}}

{{- define "storefront.routing" -}}
{{- if .Values.canary.enabled }}{{ .Values.canary.routing }}{{ end -}}
{{- end -}}

{{/* replicas preset: the canary's pods join the stable release's instance so its Service selects them. */}}
{{- define "storefront.instance" -}}
{{- if eq (include "storefront.routing" .) "replicas" }}{{ include "storefront.stableName" . }}{{ else }}{{ .Release.Name }}{{ end -}}
{{- end -}}

{{- define "storefront.version" -}}
{{- default .Chart.AppVersion .Values.image.tag -}}
{{- end -}}

{{- define "storefront.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ include "storefront.version" . | trunc 63 | quote }}
app.kubernetes.io/part-of: storefront
app.kubernetes.io/name: storefront
app.kubernetes.io/instance: {{ .Release.Name }}
track: {{ include "storefront.track" . }}
release: {{ .Release.Name }}
{{- end -}}

{{/* Pod selector of this release's Deployment: the track keeps stable and canary Deployments apart. */}}
{{- define "storefront.selectorLabels" -}}
app.kubernetes.io/name: storefront
app.kubernetes.io/instance: {{ include "storefront.instance" . }}
track: {{ include "storefront.track" . }}
{{- end -}}

{{/* Service selector: no track, so in the replicas preset the stable Service reaches canary pods too. */}}
{{- define "storefront.serviceSelector" -}}
app.kubernetes.io/name: storefront
app.kubernetes.io/instance: {{ include "storefront.instance" . }}
{{- if eq (include "storefront.routing" .) "replicas" }}
track: canary
{{- end }}
{{- end -}}

{{/*
Canary pods in the replicas preset: 0 at weight 0; else round(s*w/(100-w)) clamped to [1, maxReplicas],
and maxReplicas at weight 100, so that canary/(stable+canary) approximates w/100 (s = replicaCount).
*/}}
{{- define "storefront.replicas" -}}
{{- $w := int .Values.canary.weight -}}
{{- $s := int .Values.replicaCount -}}
{{- $max := int .Values.canary.maxReplicas -}}
{{- if ne (include "storefront.routing" .) "replicas" -}}
{{- $s -}}
{{- else if eq $w 0 -}}
0
{{- else if ge $w 100 -}}
{{- $max -}}
{{- else -}}
{{- $c := int (round (divf (mulf $s $w) (sub 100 $w)) 0) -}}
{{- min $max (max 1 $c) -}}
{{- end -}}
{{- end -}}

{{/* Fully qualified Service hosts, for Istio destinations. */}}
{{- define "storefront.stableHost" -}}
{{ include "storefront.stableName" . }}.{{ .Release.Namespace }}.svc.cluster.local
{{- end -}}
{{- define "storefront.canaryHost" -}}
{{ include "storefront.canaryName" . }}.{{ .Release.Namespace }}.svc.cluster.local
{{- end -}}

{{/* Cookie header regex for canary.cookie=always (Istio and Gateway API have no cookie match). */}}
{{- define "storefront.cookieRegex" -}}
{{ printf "^(.*?;\\s*)?%s=always(;.*)?$" .Values.canary.cookie }}
{{- end -}}

{{/* The Secret holding CART_SECRET: cartSecret.existingSecret, else this release's own; "" = none. */}}
{{- define "storefront.cartSecretName" -}}
{{- if .Values.cartSecret.existingSecret -}}
{{- .Values.cartSecret.existingSecret -}}
{{- else if .Values.cartSecret.value -}}
{{- printf "%s-cart" (include "storefront.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
