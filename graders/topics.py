"""The topics a hidden check can probe: what a learner studies next when it fails.

Every hidden test names one with ``@pytest.mark.clause(..., probes="...", topic="...")``
(graders/contract.py reads it; tests/test_contract.py requires it). Concept cards
(concepts/cards/*.toml) use the same names, so a debrief can point from a failed check
to the cards and exercises that teach it.
"""
from __future__ import annotations

# name -> (English description, Chinese description)
TOPICS: dict[str, tuple[str, str]] = {
    "numerical stability": ("overflow, underflow, log(0) and cancellation", "数值稳定性：溢出、下溢、log(0) 与相消"),
    "shapes and broadcasting": ("array shapes, axes, batching and broadcasting", "数组形状、轴、批处理与广播"),
    "input validation": ("rejecting bad input with the documented error", "输入校验：按约定报错"),
    "api contract": ("defaults, return types, not mutating inputs, determinism", "接口约定：默认值、返回类型、不修改输入、确定性"),
    "gradients and backpropagation": ("derivatives, the chain rule, gradient checks", "梯度与反向传播：求导、链式法则、梯度检验"),
    "optimization": ("optimizers, learning rates, gradient clipping", "优化：优化器、学习率、梯度裁剪"),
    "regularization": ("penalties, dropout, early stopping, overfitting", "正则化：惩罚项、dropout、早停、过拟合"),
    "evaluation metrics": ("confusion matrices, precision/recall, ROC, agreement", "评估指标：混淆矩阵、精确率/召回率、ROC、一致性"),
    "validation and leakage": ("splits, cross-validation, fitting on training data only", "验证与数据泄漏：划分、交叉验证、只在训练集上拟合"),
    "preprocessing": ("scaling, encoding, imputation, feature pipelines", "预处理：缩放、编码、缺失值填补、特征流水线"),
    "randomness and reproducibility": ("seeds, random generators, sampling", "随机性与可复现性：种子、随机数生成器、采样"),
    "clustering": ("k-means, initialisation, assignments", "聚类：k-means、初始化、样本分配"),
    "linear models": ("least squares, ridge, closed forms", "线性模型：最小二乘、岭回归、闭式解"),
    "interpretability": ("feature importance and explaining predictions", "可解释性：特征重要性与预测解释"),
    "convolutions": ("convolution, padding, stride, pooling", "卷积：卷积、填充、步幅、池化"),
    "attention and transformers": ("scaled dot-product attention, masking, heads", "注意力与 Transformer：缩放点积注意力、掩码、多头"),
    "sequence models": ("RNN/LSTM, sequence labelling, forecasting, text generation", "序列模型：RNN/LSTM、序列标注、预测、文本生成"),
    "embeddings": ("word vectors, similarity, embedding layers", "嵌入：词向量、相似度、嵌入层"),
    "model architecture": ("building the network the task asks for", "模型结构：按任务要求搭建网络"),
    "training and convergence": ("a model that actually learns, within budget", "训练与收敛：模型真正学会，且在预算内"),
    "data augmentation": ("label-preserving transformations of training data", "数据增强：保持标签不变的训练数据变换"),
    "transfer learning": ("frozen backbones, fine-tuning, pre-trained features", "迁移学习：冻结主干、微调、预训练特征"),
    "generative models": ("GANs, losses, gradient penalties, sampling", "生成模型：GAN、损失、梯度惩罚、采样"),
    "value-based rl": ("Q-learning, exploration, Bellman updates", "基于价值的强化学习：Q-learning、探索、贝尔曼更新"),
    "policy gradients": ("REINFORCE, actor-critic, returns and baselines", "策略梯度：REINFORCE、Actor-Critic、回报与基线"),
    "model compression": ("pruning, quantisation, distillation", "模型压缩：剪枝、量化、蒸馏"),
    "serving and systems": ("batching, caching, latency, deployment", "服务与系统：批处理、缓存、延迟、部署"),
    "model evaluation": ("comparing models, significance, monitoring", "模型评估：模型比较、显著性、监控"),
    "tokenization": ("subword vocabularies, BPE merges, byte fallback", "分词：子词词表、BPE 合并、字节回退"),
    "decoding and search": ("KV caches, greedy and beam search, stopping", "解码与搜索：KV 缓存、贪心与束搜索、终止条件"),
    "parameter-efficient fine-tuning": ("LoRA and adapters on frozen models", "参数高效微调：冻结模型上的 LoRA 与适配器"),
    "llm evaluation": ("perplexity, BLEU/ROUGE, calibration", "大模型评估：困惑度、BLEU/ROUGE、校准"),
    "retrieval and ranking": ("embedding search, recall@k, MRR, NDCG", "检索与排序：向量检索、recall@k、MRR、NDCG"),
    "distributed training": ("data parallelism, all-reduce, accumulation, mixed precision", "分布式训练：数据并行、all-reduce、梯度累积、混合精度"),
    "trees and ensembles": ("decision trees, impurity, bagging and feature importance", "决策树与集成：不纯度、Bagging 与特征重要性"),
    "dimensionality reduction": ("PCA, SVD, explained variance, whitening", "降维：PCA、SVD、解释方差、白化"),
    "hyperparameter optimization": ("random search, log-uniform sampling, successive halving", "超参数优化：随机搜索、对数均匀采样、逐次减半"),
    "monitoring and drift": ("distribution shift, PSI, KS tests, alerting", "监控与漂移：分布偏移、PSI、KS 检验、告警"),
    "experimentation": ("A/B tests, significance, power, peeking", "实验：A/B 测试、显著性、统计功效、偷看"),
    "ml project judgement": ("feasibility, costs, risks of an ML project", "机器学习项目判断：可行性、成本、风险"),
}


def describe(topic: str, language: str = "en") -> str:
    english, chinese = TOPICS[topic]
    return chinese if language == "zh" else english
