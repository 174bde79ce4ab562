# The CDK app: `make synth` writes the CloudFormation template and assets to cdk.out/ without
# AWS credentials or the CDK CLI; `make asset` builds only the Lambda code asset.
CDK_OUTDIR ?= cdk.out

.PHONY: synth asset

synth: $(STAMP)
	CDK_OUTDIR=$(CDK_OUTDIR) $(BIN)/python app.py
	$(BIN)/cfn-lint --non-zero-exit-code error $(CDK_OUTDIR)/Goso.template.json
	@echo "template: $(CDK_OUTDIR)/Goso.template.json"

asset: $(STAMP)
	$(BIN)/python -c "from infra.cdk.bundling import build_lambda_asset; print(build_lambda_asset()[0])"
