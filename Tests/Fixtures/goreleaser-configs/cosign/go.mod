module github.com/sigstore/cosign

go 1.21
