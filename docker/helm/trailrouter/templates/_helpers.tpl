{{/* The chart's name, and the release's full name (at most 63 characters, a DNS label). */}}
{{- define "trailrouter.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "trailrouter.fullname" -}}
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

{{- define "trailrouter.selectorLabels" -}}
app.kubernetes.io/name: {{ include "trailrouter.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "trailrouter.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "trailrouter.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | trunc 63 | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: consumer
{{- end }}

{{- define "trailrouter.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "trailrouter.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name: name an existing service account when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* An application key as its environment variable: upper case, '.' and '-' become '_' (docs/configuration.md). */}}
{{- define "trailrouter.envName" -}}
{{- . | replace "." "_" | replace "-" "_" | upper }}
{{- end }}

{{/* The state namespace: state.namespace, else the release's full name. */}}
{{- define "trailrouter.stateNamespace" -}}
{{- default (include "trailrouter.fullname" .) .Values.state.namespace }}
{{- end }}

{{/* Whether route files come from a ConfigMap, and its name. */}}
{{- define "trailrouter.routesConfigMap" -}}
{{- if .Values.routes.existingConfigMap }}
{{- .Values.routes.existingConfigMap }}
{{- else if .Values.routes.files }}
{{- printf "%s-routes" (include "trailrouter.fullname" .) }}
{{- end }}
{{- end }}

{{/* A queue's region for KEDA: its own, else the one its URL names (sqs.<region>.amazonaws.com…), else aws.region. */}}
{{- define "trailrouter.queueRegion" -}}
{{- $q := .queue }}
{{- $fromUrl := regexReplaceAll "^https://(sqs(-fips)?\\.)?([a-z]{2}(-[a-z]+)+-[0-9])\\..*$" $q.url "${3}" }}
{{- if $q.region }}
{{- $q.region }}
{{- else if ne $fromUrl $q.url }}
{{- $fromUrl }}
{{- else }}
{{- required (printf "queues[%s]: KEDA needs the queue's region: its URL names none; set queues[].region or aws.region" $q.name) .root.Values.aws.region }}
{{- end }}
{{- end }}

{{/* Checks that stop a render with one line instead of a deployment that cannot work. */}}
{{- define "trailrouter.checks" -}}
{{- $store := .Values.state.store }}
{{- if not (or (has $store (list "file" "dynamodb" "none")) (hasPrefix "#" $store)) }}
{{- fail (printf "state.store: %q is none of file, dynamodb, none, #<bean>" $store) }}
{{- end }}
{{- if and (eq $store "file") (or .Values.keda.enabled (gt (int .Values.replicaCount) 1)) }}
{{- fail "state.store: file keeps each pod's dedup history apart, so a message redelivered to another replica would be delivered twice: with more than one replica or with keda.enabled, use state.store: dynamodb (state.dynamodb.table) or accept duplicates with state.store: none" }}
{{- end }}
{{- if and (eq $store "dynamodb") (not .Values.state.dynamodb.table) }}
{{- fail "state.dynamodb.table: required with state.store: dynamodb (the table the Terraform module makes: hash key pk, TTL attribute expires_at)" }}
{{- end }}
{{- if lt (int .Values.terminationGracePeriodSeconds) 10 }}
{{- fail "terminationGracePeriodSeconds: at least 10 (trailrouter's shutdown timeout is set 5 s below it)" }}
{{- end }}
{{- $names := dict }}
{{- range .Values.queues }}
{{- if not (regexMatch "^[A-Za-z0-9_-]+$" (toString .name)) }}
{{- fail (printf "queues[].name: %q: use letters, digits, '-' and '_'" (toString .name)) }}
{{- end }}
{{- if not .url }}
{{- fail (printf "queues[%s].url: required" .name) }}
{{- end }}
{{- $envName := include "trailrouter.envName" .name }}
{{- if hasKey $names $envName }}
{{- fail (printf "queues: %q and %q become the same variables (TRAILROUTER_QUEUE_%s_*)" (get $names $envName) .name $envName) }}
{{- end }}
{{- $_ := set $names $envName .name }}
{{- end }}
{{- if .Values.keda.enabled }}
{{- if not .Values.queues }}
{{- fail "keda.enabled: KEDA scales on queue depth, but queues is empty" }}
{{- end }}
{{- $scaled := 0 }}
{{- range .Values.queues }}{{ if ne (toString .scale) "false" }}{{ $scaled = add1 $scaled }}{{ end }}{{ end }}
{{- if eq $scaled 0 }}
{{- fail "keda.enabled: every queue has scale: false, so KEDA would have no trigger" }}
{{- end }}
{{- if gt (int .Values.keda.minReplicaCount) (int .Values.keda.maxReplicaCount) }}
{{- fail "keda.minReplicaCount: greater than keda.maxReplicaCount" }}
{{- end }}
{{- if lt (int .Values.keda.queueLength) 1 }}
{{- fail "keda.queueLength: at least 1 (messages per replica)" }}
{{- end }}
{{- $mode := .Values.keda.authentication.mode }}
{{- if not (has $mode (list "podIdentity" "operator" "existing")) }}
{{- fail (printf "keda.authentication.mode: %q is none of podIdentity, operator, existing" $mode) }}
{{- end }}
{{- if and (eq $mode "podIdentity") (not (has .Values.keda.authentication.identityOwner (list "keda" "workload"))) }}
{{- fail "keda.authentication.identityOwner: keda or workload" }}
{{- end }}
{{- if and (eq $mode "podIdentity") (eq .Values.keda.authentication.identityOwner "workload") .Values.keda.authentication.roleArn }}
{{- fail "keda.authentication.roleArn: only with identityOwner keda (with workload KEDA assumes the service account's role)" }}
{{- end }}
{{- if and (eq $mode "existing") (not .Values.keda.authentication.existingName) }}
{{- fail "keda.authentication.existingName: required with mode existing" }}
{{- end }}
{{- end }}
{{- end }}

{{/* The route file names to mount, as a JSON array: the chart's files, or the listed keys of an existing ConfigMap. */}}
{{- define "trailrouter.routeKeys" -}}
{{- $keys := keys .Values.routes.files | sortAlpha }}
{{- if .Values.routes.existingConfigMap }}
{{- if not .Values.routes.existingKeys }}
{{- fail "routes.existingKeys: list the route files (keys) of routes.existingConfigMap to mount" }}
{{- end }}
{{- $keys = .Values.routes.existingKeys }}
{{- end }}
{{- range $keys }}
{{- if not (regexMatch "^[-._a-zA-Z0-9]+\\.yaml$" .) }}
{{- fail (printf "routes: %q: a route file's name ends in .yaml (trailrouter loads only those) and has only letters, digits, '-', '_' and '.'" .) }}
{{- end }}
{{- end }}
{{- toJson $keys }}
{{- end }}

{{/* Every Secret mounted for route files, as a JSON array: secrets.mounts and the ones the chart creates. */}}
{{- define "trailrouter.secretNames" -}}
{{- $names := list }}
{{- range .Values.secrets.mounts }}{{ $names = append $names . }}{{ end }}
{{- range $name, $_ := .Values.secrets.create }}{{ $names = append $names $name }}{{ end }}
{{- toJson ($names | uniq | sortAlpha) }}
{{- end }}

{{/* The queue names, comma-separated (TRAILROUTER_QUEUES). */}}
{{- define "trailrouter.queueNames" -}}
{{- $names := list }}
{{- range .Values.queues }}{{ $names = append $names (toString .name) }}{{ end }}
{{- join "," $names }}
{{- end }}
